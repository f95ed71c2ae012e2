package dev.siit.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EvaluatorTest {
    private static final double EPS = 1e-12;

    @Test
    void hitAtRankThree() {
        // 4-item catalogue, one user whose target 2 is ranked third
        EvaluationResult r = new Evaluator(4, new int[] {1, 2, 3, 4}).evaluate(new int[] {2}, new int[][] {{0, 3, 2, 1}});
        assertArrayEquals(new int[] {3}, r.ranks());
        assertEquals(0.0, r.get("recall@1"), EPS);
        assertEquals(0.0, r.get("recall@2"), EPS);
        assertEquals(1.0, r.get("recall@3"), EPS);
        assertEquals(0.0, r.get("ndcg@2"), EPS);
        assertEquals(0.5, r.get("ndcg@3"), EPS); // 1 / log2(4)
        assertEquals(0.5, r.get("ndcg@4"), EPS);
    }

    @Test
    void meansOverUsersAndPerUserValues() {
        int[] targets = {0, 1, 2};
        int[][] ranked = {
                {0, 1, 2, 3},   // rank 1: ndcg 1
                {0, 1, 2, 3},   // rank 2: ndcg 1/log2(3)
                {0, 1, 3, 4},   // miss: target 2 not in the list
        };
        EvaluationResult r = new Evaluator(5, new int[] {1, 5}).evaluate(targets, ranked);
        assertEquals(3, r.users());
        assertEquals(1.0 / 3, r.get("recall@1"), EPS);
        assertEquals(2.0 / 3, r.get("recall@5"), EPS);
        double ndcgRank2 = 1 / (Math.log(3) / Math.log(2)); // 0.6309...
        assertEquals(0.6309297535714574, ndcgRank2, 1e-15);
        assertEquals((1 + ndcgRank2) / 3, r.get("ndcg@5"), EPS);
        assertArrayEquals(new double[] {1, ndcgRank2, 0}, r.perUser().get("ndcg@5"), EPS);
        assertArrayEquals(new double[] {1, 0, 0}, r.perUser().get("recall@1"), EPS);
        assertArrayEquals(new int[] {1, 2, 0}, r.ranks());
    }

    @Test
    void coverageCountsDistinctItemsInTopK() {
        int[] targets = {0, 0, 3};
        int[][] ranked = {{0, 1, 2}, {0, 2, 1}, {0, 1, 4}};
        EvaluationResult r = new Evaluator(10, new int[] {1, 2, 3}).evaluate(targets, ranked);
        assertEquals(1 / 10.0, r.get("coverage@1"), EPS);  // {0}
        assertEquals(3 / 10.0, r.get("coverage@2"), EPS);  // {0, 1, 2}
        assertEquals(4 / 10.0, r.get("coverage@3"), EPS);  // {0, 1, 2, 4}
        assertEquals(2 / 10.0, r.get("groundTruthCoverage"), EPS); // targets {0, 3}
    }

    @Test
    void defaultCutoffsAreThePapers() {
        EvaluationResult r = new Evaluator(30).evaluate(new int[] {7}, new int[][] {range(30)});
        assertEquals(java.util.List.of("recall@1", "ndcg@1", "coverage@1", "recall@5", "ndcg@5", "coverage@5",
                "recall@10", "ndcg@10", "coverage@10", "recall@20", "ndcg@20", "coverage@20", "groundTruthCoverage"),
                java.util.List.copyOf(r.metrics().keySet()));
        // rank 8: in top 10 and 20, not in top 5
        assertEquals(0.0, r.get("recall@5"), EPS);
        assertEquals(1 / (Math.log(9) / Math.log(2)), r.get("ndcg@10"), EPS);
    }

    @Test
    void rejectsItemsOutsideTheCatalogueAndMismatchedInput() {
        Evaluator e = new Evaluator(3);
        assertThrows(IllegalArgumentException.class, () -> e.evaluate(new int[] {0}, new int[][] {{0, 3}}));
        assertThrows(IllegalArgumentException.class, () -> e.evaluate(new int[] {0, 1}, new int[][] {{0}}));
    }

    private static int[] range(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
