package dev.siit.ids;

/**
 * Entropy-regularised balanced assignment of n items to K codes (Sinkhorn-Knopp), as LETTER uses
 * to spread colliding items over the last codebook: Q = exp(-d / epsilon) is scaled until every
 * item has mass 1/n and every code mass 1/K, then each item takes its heaviest code.
 *
 * <p>Distances are first centred to [-1, 1] (LETTER's {@code center_distance_for_constraint}) so
 * epsilon means the same for any scale; the iteration runs in the log domain because
 * exp(1/0.003) overflows.
 */
public final class SinkhornAssignment {
    /** LETTER's last-level epsilon. */
    public static final double DEFAULT_EPSILON = 0.003;
    public static final int DEFAULT_ITERATIONS = 50;

    private SinkhornAssignment() {
    }

    /** The code of every row of {@code distances} (n x K). */
    public static int[] assign(double[][] distances, double epsilon, int iterations) {
        int n = distances.length;
        int k = distances[0].length;
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (double[] row : distances) {
            for (double v : row) {
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
        }
        double middle = (max + min) / 2;
        double amplitude = max - middle + 1e-5;
        double[][] logQ = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                logQ[i][c] = -((distances[i][c] - middle) / amplitude) / epsilon;
            }
        }
        double logRow = -Math.log(n);
        double logCol = -Math.log(k);
        for (int it = 0; it < iterations; it++) {
            for (int i = 0; i < n; i++) { // rows sum to 1/n
                double lse = logSumExp(logQ[i]);
                for (int c = 0; c < k; c++) {
                    logQ[i][c] += logRow - lse;
                }
            }
            double[] col = new double[n];
            for (int c = 0; c < k; c++) { // columns sum to 1/K
                for (int i = 0; i < n; i++) {
                    col[i] = logQ[i][c];
                }
                double lse = logSumExp(col);
                for (int i = 0; i < n; i++) {
                    logQ[i][c] += logCol - lse;
                }
            }
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (logQ[i][c] > logQ[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static double logSumExp(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        if (m == Double.NEGATIVE_INFINITY) {
            return m;
        }
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - m);
        }
        return m + Math.log(s);
    }
}
