package dev.siit.ids;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Lloyd's k-means with k-means++ seeding (Arthur and Vassilvitskii, 2007), plus a balanced
 * (size-constrained) variant. Used by CID (on spectral embeddings), by the RQ-VAE (codebook
 * initialisation on the first batch) and by LETTER's diversity regulariser (constrained k-means
 * of every codebook). Points are rows of a {@code double[n][dim]}; randomness comes from the
 * caller's {@link SplittableRandom}.
 *
 * @param labels     labels[i] = cluster of point i, in 0..k-1
 * @param centroids  (k, dim)
 * @param inertia    sum of squared distances of points to their centroids
 */
public record KMeans(int[] labels, double[][] centroids, double inertia) {

    /** The best of {@code runs} k-means++ runs (lowest inertia), each at most {@code maxIter} Lloyd steps. */
    public static KMeans fit(double[][] x, int k, int runs, int maxIter, SplittableRandom rnd) {
        if (k < 1 || x.length < 1) {
            throw new IllegalArgumentException("k-means needs k >= 1 and points, got k=" + k + ", n=" + x.length);
        }
        KMeans best = null;
        for (int r = 0; r < runs; r++) {
            KMeans m = lloyd(x, seedPlusPlus(x, Math.min(k, x.length), rnd), maxIter);
            if (best == null || m.inertia < best.inertia) {
                best = m;
            }
        }
        return best;
    }

    /** k-means++: each next centre is drawn with probability proportional to D(x)^2. */
    static double[][] seedPlusPlus(double[][] x, int k, SplittableRandom rnd) {
        int n = x.length;
        double[][] c = new double[k][];
        c[0] = x[rnd.nextInt(n)].clone();
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d2[i] = dist2(x[i], c[0]);
        }
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            int pick;
            if (total <= 0) {
                pick = rnd.nextInt(n); // all points coincide with centres already chosen
            } else {
                double u = rnd.nextDouble() * total;
                pick = n - 1;
                for (int i = 0; i < n; i++) {
                    u -= d2[i];
                    if (u < 0) {
                        pick = i;
                        break;
                    }
                }
            }
            c[j] = x[pick].clone();
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], dist2(x[i], c[j]));
            }
        }
        return c;
    }

    static KMeans lloyd(double[][] x, double[][] c, int maxIter) {
        int n = x.length;
        int k = c.length;
        int dim = x[0].length;
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        double inertia = 0;
        for (int it = 0; it < Math.max(1, maxIter); it++) {
            boolean changed = false;
            inertia = 0;
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bd = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double d = dist2(x[i], c[j]);
                    if (d < bd) {
                        bd = d;
                        best = j;
                    }
                }
                inertia += bd;
                if (labels[i] != best) {
                    labels[i] = best;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            double[][] sum = new double[k][dim];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                count[labels[i]]++;
                for (int d = 0; d < dim; d++) {
                    sum[labels[i]][d] += x[i][d];
                }
            }
            for (int j = 0; j < k; j++) {
                if (count[j] > 0) { // an empty cluster keeps its centre
                    for (int d = 0; d < dim; d++) {
                        c[j][d] = sum[j][d] / count[j];
                    }
                }
            }
        }
        return new KMeans(labels, c, inertia);
    }

    /**
     * Size-constrained k-means: every cluster holds at most ceil(n / k) points. Assignment step:
     * all (point, centre) pairs in order of distance, each point taking the nearest centre that
     * still has room (a greedy solution of the transportation problem; LETTER uses the
     * k-means-constrained package for the same purpose).
     */
    public static KMeans balanced(double[][] x, int k, int maxIter, SplittableRandom rnd) {
        int n = x.length;
        k = Math.min(k, n);
        int cap = (n + k - 1) / k;
        double[][] c = seedPlusPlus(x, k, rnd);
        int dim = x[0].length;
        int[] labels = new int[n];
        double inertia = 0;
        double[] dist = new double[n * k];
        for (int it = 0; it < Math.max(1, maxIter); it++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    dist[i * k + j] = dist2(x[i], c[j]);
                }
            }
            Integer[] idx = new Integer[n * k];
            for (int p = 0; p < idx.length; p++) {
                idx[p] = p;
            }
            Arrays.sort(idx, (a, b) -> Double.compare(dist[a], dist[b]) != 0 ? Double.compare(dist[a], dist[b])
                    : Integer.compare(a, b));
            int[] size = new int[k];
            int[] newLabels = new int[n];
            Arrays.fill(newLabels, -1);
            int placed = 0;
            inertia = 0;
            for (int p = 0; p < idx.length && placed < n; p++) {
                int i = idx[p] / k;
                int j = idx[p] % k;
                if (newLabels[i] < 0 && size[j] < cap) {
                    newLabels[i] = j;
                    size[j]++;
                    placed++;
                    inertia += dist[idx[p]];
                }
            }
            boolean changed = !Arrays.equals(labels, newLabels);
            labels = newLabels;
            double[][] sum = new double[k][dim];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < dim; d++) {
                    sum[labels[i]][d] += x[i][d];
                }
            }
            for (int j = 0; j < k; j++) {
                if (size[j] > 0) {
                    for (int d = 0; d < dim; d++) {
                        c[j][d] = sum[j][d] / size[j];
                    }
                }
            }
            if (!changed) {
                break;
            }
        }
        return new KMeans(labels, c, inertia);
    }

    static double dist2(double[] a, double[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            double t = a[d] - b[d];
            s += t * t;
        }
        return s;
    }
}
