/*
 * Log-softmax over a whole row of logits, written out only at a few columns.
 *
 * Exact beam scoring needs, at every decoding step, log p(token) for the ~1k item tokens of each
 * of the 1,280 beams, normalised over all 33k vocabulary entries. libtorch's log_softmax writes
 * the whole (N, V) result (170 MB per step) and a gather then reads 1/32 of it back; here each
 * row is read twice while it sits in the L2 cache (max, then sum of exp(x - max)) and only the
 * (N, U) answer is written. See docs/benchmarks.md for the measurements.
 *
 * On a CPU with AVX2 and FMA the row pass is written with intrinsics around our own exp for
 * arguments <= 0 (row_max_log_sum_avx2), and with AVX-512F the same on 16-float vectors
 * (row_max_log_sum_avx512: 1.25x the AVX2 pass on a Zen 4 core, whose 512-bit units are two
 * 256-bit halves). glibc's vector expf leaves
 * arguments of large magnitude to a scalar fallback: in C, rows whose logits span 200 nats took
 * 15x as long as rows spanning 60 (scripts/normaliser-bench.c, docs/benchmarks.md), and it takes
 * 1.4x as long as ours even on narrow rows. Without AVX2, the generic loop: OpenMP simd
 * reductions, expf declared with its vector variants so that gcc calls libmvec; target_clones
 * picks the variant this CPU supports when the library is loaded.
 *
 * Built by src/main/native/build.sh with -O3 -fopenmp-simd. No -ffast-math: it would let the
 * compiler rewrite (x - max) - log_sum as x - (max + log_sum), which loses precision (tested), and
 * assume finite inputs. A non-finite row (inf - inf or NaN give a non-finite sum) is reported to
 * the caller, which then uses libtorch's log_softmax for that step.
 */
#include <immintrin.h>
#include <jni.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* glibc's libmvec has vector versions of expf (the x86_64 vector ABI); declaring them here is
 * what math.h does under -ffast-math */
#pragma omp declare simd notinbranch
float expf(float x);

/* the row's max, and log(sum of exp(x - max)) in *log_sum: log-softmax is (x - max) - log_sum,
 * which keeps the precision of x - max (max + log_sum would round to the ulp of a large max) */
__attribute__((target_clones("avx512f", "avx2,fma", "default")))
static float row_max_log_sum_generic(const float *x, int v, float *log_sum) {
    float m = x[0];
#pragma omp simd reduction(max : m)
    for (int j = 1; j < v; j++) {
        m = x[j] > m ? x[j] : m;
    }
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int j = 0; j < v; j++) {
        s += expf(x[j] - m);
    }
    *log_sum = logf(s);
    return m;
}

/* The exp's constants, shared by the AVX2 and AVX-512 passes so that both compute the same function */
static const float EXP_FLOOR = -87.0f;
static const float LOG2_E = 1.44269504088896341f;
static const float LN2_HI = 0.693359375f; /* ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 bits, so n * LN2_HI is exact for the |n| <= 126 used here */
static const float LN2_LO = -2.12194440e-4f;
static const float EXP_P0 = 1.9875691500e-4f, EXP_P1 = 1.3981999507e-3f, EXP_P2 = 8.3334519073e-3f,
                   EXP_P3 = 4.1665795894e-2f, EXP_P4 = 1.6666665459e-1f, EXP_P5 = 5.0000001201e-1f;

/*
 * e^d for 8 arguments d <= 0: e^d = 2^n e^r with n = round(d / ln 2) and |r| <= ln(2) / 2, r taken
 * as d - n ln 2 in two parts (Cody-Waite: the first part's product is exact) and e^r as Cephes'
 * degree-7 polynomial 1 + r + r^2 p(r) (about 1 ulp). Arguments below -87 are raised to -87
 * (e^-87 = 1.6e-38, 2^n still a normal float): beside the row's largest term, which is 1, such
 * terms do not change a float sum of fewer than 10^30 of them.
 */
__attribute__((target("avx2,fma")))
static inline __m256 exp_nonpositive8(__m256 d) {
    d = _mm256_max_ps(d, _mm256_set1_ps(EXP_FLOOR));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(d, _mm256_set1_ps(LOG2_E)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HI), d);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LO), r);
    __m256 p = _mm256_set1_ps(EXP_P0);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_P5));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i two_n = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(two_n));
}

__attribute__((target("avx2,fma")))
static float horizontal_max8(__m256 a) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}

/* row_max_log_sum_generic's contract, for AVX2 + FMA: two passes over the row, 16 floats a turn */
__attribute__((target("avx2,fma")))
static float row_max_log_sum_avx2(const float *x, int v, float *log_sum) {
    __m256 m0 = _mm256_set1_ps(-INFINITY);
    __m256 m1 = m0;
    __m256 nan = _mm256_setzero_ps(); /* lanes that saw a NaN: max_ps would drop it */
    int j = 0;
    for (; j + 16 <= v; j += 16) {
        __m256 a = _mm256_loadu_ps(x + j);
        __m256 b = _mm256_loadu_ps(x + j + 8);
        nan = _mm256_or_ps(nan, _mm256_or_ps(_mm256_cmp_ps(a, a, _CMP_UNORD_Q), _mm256_cmp_ps(b, b, _CMP_UNORD_Q)));
        m0 = _mm256_max_ps(m0, a);
        m1 = _mm256_max_ps(m1, b);
    }
    float m = horizontal_max8(_mm256_max_ps(m0, m1));
    int any_nan = _mm256_movemask_ps(nan) != 0;
    for (int k = j; k < v; k++) {
        any_nan |= x[k] != x[k];
        m = x[k] > m ? x[k] : m;
    }
    if (any_nan) {
        *log_sum = NAN;
        return NAN;
    }
    __m256 mm = _mm256_set1_ps(m);
    __m256 s0 = _mm256_setzero_ps();
    __m256 s1 = s0;
    for (j = 0; j + 16 <= v; j += 16) {
        s0 = _mm256_add_ps(s0, exp_nonpositive8(_mm256_sub_ps(_mm256_loadu_ps(x + j), mm)));
        s1 = _mm256_add_ps(s1, exp_nonpositive8(_mm256_sub_ps(_mm256_loadu_ps(x + j + 8), mm)));
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, _mm256_add_ps(s0, s1));
    float s = 0.0f;
    for (int k = 0; k < 8; k++) {
        s += lanes[k];
    }
    for (; j < v; j++) {
        s += expf(x[j] - m);
    }
    *log_sum = logf(s);
    return m;
}

/* exp_nonpositive8 for 16 arguments: the same reduction and polynomial; 2^n applied by scalef */
__attribute__((target("avx512f")))
static inline __m512 exp_nonpositive16(__m512 d) {
    d = _mm512_max_ps(d, _mm512_set1_ps(EXP_FLOOR));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(d, _mm512_set1_ps(LOG2_E)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_HI), d);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_LO), r);
    __m512 p = _mm512_set1_ps(EXP_P0);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EXP_P1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EXP_P2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EXP_P3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EXP_P4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EXP_P5));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

/* row_max_log_sum_avx2's contract on AVX-512F: 32 floats a turn, the tail under a lane mask */
__attribute__((target("avx512f")))
static float row_max_log_sum_avx512(const float *x, int v, float *log_sum) {
    __m512 m0 = _mm512_set1_ps(-INFINITY);
    __m512 m1 = m0;
    __mmask16 nan = 0; /* lanes that saw a NaN: max_ps would drop it */
    int j = 0;
    for (; j + 32 <= v; j += 32) {
        __m512 a = _mm512_loadu_ps(x + j);
        __m512 b = _mm512_loadu_ps(x + j + 16);
        nan |= _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(b, b, _CMP_UNORD_Q);
        m0 = _mm512_max_ps(m0, a);
        m1 = _mm512_max_ps(m1, b);
    }
    for (; j < v; j += 16) {
        __mmask16 k = v - j >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << (v - j)) - 1);
        __m512 a = _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), k, x + j);
        nan |= _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q);
        m0 = _mm512_max_ps(m0, a);
    }
    if (nan) {
        *log_sum = NAN;
        return NAN;
    }
    float m = _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
    __m512 mm = _mm512_set1_ps(m);
    __m512 s0 = _mm512_setzero_ps();
    __m512 s1 = s0;
    for (j = 0; j + 32 <= v; j += 32) {
        s0 = _mm512_add_ps(s0, exp_nonpositive16(_mm512_sub_ps(_mm512_loadu_ps(x + j), mm)));
        s1 = _mm512_add_ps(s1, exp_nonpositive16(_mm512_sub_ps(_mm512_loadu_ps(x + j + 16), mm)));
    }
    for (; j < v; j += 16) {
        __mmask16 k = v - j >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << (v - j)) - 1);
        __m512 a = _mm512_maskz_loadu_ps(k, x + j);
        s0 = _mm512_mask_add_ps(s0, k, s0, exp_nonpositive16(_mm512_sub_ps(a, mm)));
    }
    *log_sum = logf(_mm512_reduce_add_ps(_mm512_add_ps(s0, s1)));
    return m;
}

/* the row passes, in the order of ColumnLogSoftmax.RowPass */
enum { PASS_GENERIC, PASS_AVX2, PASS_AVX512 };

static int best_pass; /* set once when the library is loaded, read-only afterwards */

__attribute__((constructor))
static void detect_cpu(void) {
    __builtin_cpu_init();
    best_pass = __builtin_cpu_supports("avx512f") ? PASS_AVX512
            : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? PASS_AVX2
            : PASS_GENERIC;
}

/* pass: the one asked for; one this CPU cannot run is never taken */
static float row_max_log_sum(const float *x, int v, float *log_sum, int pass) {
    switch (pass <= best_pass ? pass : PASS_GENERIC) {
    case PASS_AVX512:
        return row_max_log_sum_avx512(x, v, log_sum);
    case PASS_AVX2:
        return row_max_log_sum_avx2(x, v, log_sum);
    default:
        return row_max_log_sum_generic(x, v, log_sum);
    }
}

/* the fastest row pass this CPU runs (a PASS_ constant) */
JNIEXPORT jint JNICALL Java_dev_siit_model_ColumnLogSoftmax_bestPass(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return best_pass;
}

/* exponent bits all ones: inf or NaN */
static int is_non_finite(float z) {
    uint32_t bits;
    memcpy(&bits, &z, sizeof bits);
    return (bits & 0x7f800000u) == 0x7f800000u;
}

/*
 * logits: direct buffer over a contiguous float32 (N, V) array; rows [from, to) are done.
 * columns: U vocabulary ids, each in [0, V) (checked by the caller). out: direct buffer over a
 * contiguous float32 (N, U) array. pass: the row pass (a PASS_ constant; tests ask for each one the CPU
 * runs). Returns how many of the rows had a non-finite normaliser (their output is meaningless).
 */
JNIEXPORT jint JNICALL Java_dev_siit_model_ColumnLogSoftmax_rows(JNIEnv *env, jclass cls, jobject logits, jint v,
                                                                  jint from, jint to, jintArray columns,
                                                                  jobject out, jint pass) {
    (void) cls;
    const float *x = (const float *) (*env)->GetDirectBufferAddress(env, logits);
    float *o = (float *) (*env)->GetDirectBufferAddress(env, out);
    if (x == NULL || o == NULL) {
        return to - from;
    }
    jint u = (*env)->GetArrayLength(env, columns);
    jint *col = (*env)->GetPrimitiveArrayCritical(env, columns, NULL);
    jint bad = 0;
    for (jint r = from; r < to; r++) {
        const float *row = x + (int64_t) r * v;
        float log_sum;
        float m = row_max_log_sum(row, v, &log_sum, pass);
        bad += is_non_finite(m + log_sum);
        float *dst = o + (int64_t) r * u;
        for (jint j = 0; j < u; j++) {
            dst[j] = (row[col[j]] - m) - log_sum;
        }
    }
    (*env)->ReleasePrimitiveArrayCritical(env, columns, col, JNI_ABORT);
    return bad;
}
