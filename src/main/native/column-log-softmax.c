/*
 * Log-softmax over a whole row of logits, written out only at a few columns.
 *
 * Exact beam scoring needs, at every decoding step, log p(token) for the ~1k item tokens of each
 * of the 1,280 beams, normalised over all 33k vocabulary entries. libtorch's log_softmax writes
 * the whole (N, V) result (170 MB per step) and a gather then reads 1/32 of it back; here each
 * row is read twice while it sits in the L2 cache (max, then sum of exp(x - max)) and only the
 * (N, U) answer is written. See docs/benchmarks.md for the measurements.
 *
 * Built by src/main/native/build.sh with -O3 -fopenmp-simd: the two loops are OpenMP simd
 * reductions, and expf is declared with its vector variants, so gcc calls glibc's libmvec (8
 * floats per call with AVX2, 16 with AVX-512); target_clones picks the variant this CPU supports
 * when the library is loaded. No -ffast-math: it would let the compiler rewrite
 * (x - max) - log_sum as x - (max + log_sum), which loses precision (tested), and assume finite
 * inputs. A non-finite row (inf - inf or NaN give a non-finite sum) is reported to the caller,
 * which then uses libtorch's log_softmax for that step.
 */
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
static float row_max_log_sum(const float *x, int v, float *log_sum) {
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

/* exponent bits all ones: inf or NaN */
static int is_non_finite(float z) {
    uint32_t bits;
    memcpy(&bits, &z, sizeof bits);
    return (bits & 0x7f800000u) == 0x7f800000u;
}

/*
 * logits: direct buffer over a contiguous float32 (N, V) array; rows [from, to) are done.
 * columns: U vocabulary ids, each in [0, V) (checked by the caller). out: direct buffer over a
 * contiguous float32 (N, U) array. Returns how many of the rows had a non-finite normaliser (their output is meaningless).
 */
JNIEXPORT jint JNICALL Java_dev_siit_model_ColumnLogSoftmax_rows(JNIEnv *env, jclass cls, jobject logits, jint v,
                                                                  jint from, jint to, jintArray columns,
                                                                  jobject out) {
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
        float m = row_max_log_sum(row, v, &log_sum);
        bad += is_non_finite(m + log_sum);
        float *dst = o + (int64_t) r * u;
        for (jint j = 0; j < u; j++) {
            dst[j] = (row[col[j]] - m) - log_sum;
        }
    }
    (*env)->ReleasePrimitiveArrayCritical(env, columns, col, JNI_ABORT);
    return bad;
}
