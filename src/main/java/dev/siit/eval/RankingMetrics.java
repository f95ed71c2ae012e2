package dev.siit.eval;

/**
 * Recall@k and NDCG@k with exactly one relevant item (leave-one-out). With one relevant item
 * at 1-based rank r: Recall@k = HR@k = [r <= k], NDCG@k = [r <= k] / log2(r + 1) (the ideal DCG
 * is 1).
 */
public final class RankingMetrics {
    private RankingMetrics() {
    }

    /** 1-based rank of {@code target} in {@code ranked}, or 0 when absent. */
    public static int rankOf(int[] ranked, int target) {
        for (int r = 0; r < ranked.length; r++) {
            if (ranked[r] == target) {
                return r + 1;
            }
        }
        return 0;
    }

    public static double recall(int rank, int k) {
        return rank >= 1 && rank <= k ? 1.0 : 0.0;
    }

    public static double ndcg(int rank, int k) {
        return rank >= 1 && rank <= k ? 1.0 / (Math.log(rank + 1) / Math.log(2)) : 0.0;
    }

    /**
     * Per-user values of a metric named {@code recall@k} or {@code ndcg@k} from 1-based ranks
     * (0 = not ranked).
     */
    public static double[] perUser(String metric, int[] ranks) {
        int at = metric.indexOf('@');
        String name = at < 0 ? metric : metric.substring(0, at);
        int k;
        try {
            k = at < 0 ? -1 : Integer.parseInt(metric.substring(at + 1));
        } catch (NumberFormatException e) {
            k = -1;
        }
        if (k < 1 || !(name.equals("recall") || name.equals("ndcg"))) {
            throw new IllegalArgumentException("per-user metric must be recall@k or ndcg@k, got " + metric);
        }
        double[] v = new double[ranks.length];
        for (int u = 0; u < ranks.length; u++) {
            v[u] = name.equals("recall") ? recall(ranks[u], k) : ndcg(ranks[u], k);
        }
        return v;
    }
}
