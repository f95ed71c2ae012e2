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
}
