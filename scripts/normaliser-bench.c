/*
 * Times the JNI normaliser's row passes (each one this CPU runs) (src/main/native/column-log-softmax.c, compiled in
 * here) on one thread over a (1,280 x 33,124) block of uniform logits of the given spread, and
 * checks each row's log-sum against a double-precision sum. docs/benchmarks.md, eleventh session.
 *
 *   cc -O3 -fopenmp-simd -fno-math-errno -I"$JAVA_HOME/include" -I"$JAVA_HOME/include/linux" \
 *      -o /tmp/normaliser-bench scripts/normaliser-bench.c -lmvec -lm
 *   /tmp/normaliser-bench 8      # spread 8 nats: no exp argument below -87
 *   /tmp/normaliser-bench 200    # spread 200 nats: most arguments below -87
 */
#include "../src/main/native/column-log-softmax.c"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const int n = 1280;
    const int v = 33124;
    float spread = argc > 1 ? strtof(argv[1], NULL) : 8.0f;
    float *x = malloc((size_t) n * v * sizeof *x);
    float *log_sum = malloc(n * sizeof *log_sum);
    float *max = malloc(n * sizeof *max);
    srand(1);
    for (size_t i = 0; i < (size_t) n * v; i++) {
        x[i] = ((float) rand() / (float) RAND_MAX - 0.5f) * spread;
    }
    static const char *names[] = {"generic", "avx2", "avx512"};
    printf("rows %d x %d, spread %.0f nats, fastest row pass here: %s\n", n, v, spread, names[best_pass]);
    for (int round = 0; round < 3; round++) {
        for (int pass = best_pass; pass >= PASS_GENERIC; pass--) {
            double t0 = seconds();
            for (int r = 0; r < n; r++) {
                max[r] = row_max_log_sum(x + (size_t) r * v, v, &log_sum[r], pass);
            }
            double ms = (seconds() - t0) * 1e3;
            double worst = 0;
            for (int r = 0; r < n; r++) {
                double s = 0;
                for (int j = 0; j < v; j++) {
                    s += exp((double) x[(size_t) r * v + j] - max[r]);
                }
                worst = fmax(worst, fabs(log_sum[r] - log(s)));
            }
            printf("%-8s %7.1f ms   max |log_sum - double| %.2g\n", names[pass], ms, worst);
        }
    }
    free(x);
    free(log_sum);
    free(max);
    return 0;
}
