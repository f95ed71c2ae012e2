package dev.siit.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Full-ranking evaluation: every user's ranked list is over the whole item set (no sampled
 * candidates, no removal of history items). Returns mean Recall@k and NDCG@k, coverage@k (share
 * of items in at least one user's top-k, paper Appendix C), the ground-truth coverage (share of
 * items that are some user's target) and per-user values for paired tests.
 */
public final class Evaluator {
    public static final int[] DEFAULT_KS = {1, 5, 10, 20};

    private final int numItems;
    private final int[] ks;

    public Evaluator(int numItems, int[] ks) {
        if (numItems < 1) {
            throw new IllegalArgumentException("numItems must be >= 1");
        }
        this.numItems = numItems;
        this.ks = ks.clone();
    }

    public Evaluator(int numItems) {
        this(numItems, DEFAULT_KS);
    }

    /**
     * @param targets targets[u] = the held-out item of user u
     * @param ranked  ranked[u] = items in decreasing score, at least max(k) long unless fewer
     *                items were generated; items outside [0, numItems) are an error
     */
    public EvaluationResult evaluate(int[] targets, int[][] ranked) {
        if (targets.length != ranked.length) {
            throw new IllegalArgumentException(targets.length + " targets for " + ranked.length + " ranked lists");
        }
        int n = targets.length;
        int[] ranks = new int[n];
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, double[]> perUser = new LinkedHashMap<>();
        for (int u = 0; u < n; u++) {
            if (targets[u] < 0 || targets[u] >= numItems) {
                throw new IllegalArgumentException("user " + u + " has target " + targets[u] + " outside 0.." + (numItems - 1));
            }
            for (int item : ranked[u]) {
                if (item < 0 || item >= numItems) {
                    throw new IllegalArgumentException("user " + u + " ranks item " + item + " outside 0.." + (numItems - 1));
                }
            }
            ranks[u] = RankingMetrics.rankOf(ranked[u], targets[u]);
        }
        for (int k : ks) {
            double[] rec = new double[n];
            double[] ndcg = new double[n];
            boolean[] covered = new boolean[numItems];
            for (int u = 0; u < n; u++) {
                rec[u] = RankingMetrics.recall(ranks[u], k);
                ndcg[u] = RankingMetrics.ndcg(ranks[u], k);
                for (int r = 0; r < Math.min(k, ranked[u].length); r++) {
                    covered[ranked[u][r]] = true;
                }
            }
            perUser.put("recall@" + k, rec);
            perUser.put("ndcg@" + k, ndcg);
            metrics.put("recall@" + k, mean(rec));
            metrics.put("ndcg@" + k, mean(ndcg));
            metrics.put("coverage@" + k, count(covered) / (double) numItems);
        }
        boolean[] truth = new boolean[numItems];
        for (int t : targets) {
            truth[t] = true;
        }
        metrics.put("groundTruthCoverage", count(truth) / (double) numItems);
        return new EvaluationResult(n, metrics, perUser, ranks);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }

    private static int count(boolean[] b) {
        int c = 0;
        for (boolean x : b) {
            if (x) {
                c++;
            }
        }
        return c;
    }
}
