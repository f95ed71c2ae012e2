package dev.siit.eval;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Paired comparison of two systems evaluated on the same users: per-user differences
 * d_u = a_u - b_u of one metric (e.g. NDCG@10), tested two ways at 95%.
 *
 * <ul>
 *   <li>Paired t-test: t = mean(d) / (sd(d) / sqrt(n)) with n - 1 degrees of freedom (sd with
 *       n - 1 in the denominator); interval mean(d) +- t_{0.975, n-1} * sd(d) / sqrt(n).</li>
 *   <li>Paired bootstrap: {@code resamples} times draw n users with replacement (seeded
 *       {@link SplittableRandom}) and take the mean difference; the interval is the 2.5% and 97.5%
 *       percentiles (linear interpolation between order statistics) of those means; the p-value is
 *       the share of resampled means at least as far from mean(d) as mean(d) is from 0 (the
 *       bootstrap distribution shifted to the null hypothesis of no difference).</li>
 * </ul>
 *
 * @param metric          metric name the values belong to
 * @param users           n
 * @param meanA           mean of system A
 * @param meanB           mean of system B
 * @param meanDifference  mean(a - b)
 * @param tTest           the paired t-test
 * @param bootstrap       the paired bootstrap
 */
public record PairedComparison(String metric, int users, double meanA, double meanB, double meanDifference,
                               TTest tTest, Bootstrap bootstrap) {
    public static final double CONFIDENCE = 0.95;
    public static final int DEFAULT_RESAMPLES = 10_000;

    /** @param pValue two-sided; {@code t} is +-Infinity when all differences are equal and non-zero */
    public record TTest(double t, int degreesOfFreedom, double pValue, double low, double high) {
    }

    /** @param pValue two-sided, with the resolution 1 / resamples */
    public record Bootstrap(int resamples, long seed, double low, double high, double pValue) {
    }

    /** Compares one metric of two evaluations of the same users (same order). */
    public static PairedComparison of(String metric, EvaluationResult a, EvaluationResult b, int resamples, long seed) {
        double[] va = a.perUser().get(metric);
        double[] vb = b.perUser().get(metric);
        if (va == null || vb == null) {
            throw new IllegalArgumentException("no per-user values of " + metric + " (have " + a.perUser().keySet() + ")");
        }
        return of(metric, va, vb, resamples, seed);
    }

    /**
     * Compares two saved evaluations; they must list the same users in the same order (otherwise
     * the pairs would be meaningless).
     */
    public static PairedComparison of(String metric, UserRanks a, UserRanks b, int resamples, long seed) {
        if (!a.users().equals(b.users())) {
            throw new dev.siit.io.InputException("the two evaluations do not cover the same users in the same order ("
                    + a.users().size() + " vs " + b.users().size() + " users)");
        }
        return of(metric, a.values(metric), b.values(metric), resamples, seed);
    }

    public static PairedComparison of(String metric, double[] a, double[] b, int resamples, long seed) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired comparison needs the same users: " + a.length + " vs " + b.length + " values");
        }
        if (a.length < 2) {
            throw new IllegalArgumentException("paired comparison needs at least 2 users, got " + a.length);
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
        }
        int n = a.length;
        double[] d = new double[n];
        for (int u = 0; u < n; u++) {
            d[u] = a[u] - b[u];
        }
        return new PairedComparison(metric, n, mean(a), mean(b), mean(d), tTest(d), bootstrap(d, resamples, seed));
    }

    static TTest tTest(double[] d) {
        int n = d.length;
        double m = mean(d);
        double ss = 0;
        for (double x : d) {
            ss += (x - m) * (x - m);
        }
        double sd = Math.sqrt(ss / (n - 1));
        double se = sd / Math.sqrt(n);
        int df = n - 1;
        if (se == 0) {
            // every difference equal: no spread, the interval collapses onto the difference
            return m == 0 ? new TTest(0, df, 1, 0, 0)
                    : new TTest(Math.copySign(Double.POSITIVE_INFINITY, m), df, 0, m, m);
        }
        TDistribution t = new TDistribution(null, df);
        double stat = m / se;
        double p = 2 * t.cumulativeProbability(-Math.abs(stat));
        double crit = t.inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);
        return new TTest(stat, df, Math.min(1, p), m - crit * se, m + crit * se);
    }

    static Bootstrap bootstrap(double[] d, int resamples, long seed) {
        int n = d.length;
        double m = mean(d);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] means = new double[resamples];
        int extreme = 0;
        for (int r = 0; r < resamples; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += d[rng.nextInt(n)];
            }
            means[r] = s / n;
            // |mean* - mean| >= |mean|, with a tolerance for summation-order rounding
            if (Math.abs(means[r] - m) >= Math.abs(m) - 1e-12) {
                extreme++;
            }
        }
        Arrays.sort(means);
        double alpha = 1 - CONFIDENCE;
        return new Bootstrap(resamples, seed, quantile(means, alpha / 2), quantile(means, 1 - alpha / 2),
                extreme / (double) resamples);
    }

    /** Quantile of sorted values, linear interpolation between order statistics (R type 7). */
    static double quantile(double[] sorted, double q) {
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
