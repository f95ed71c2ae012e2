package dev.siit.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.siit.data.Example;
import dev.siit.eval.EvaluationResult;
import dev.siit.eval.Evaluator;
import java.util.List;
import org.junit.jupiter.api.Test;

class FullRankingTest {

    @Test
    void handBuiltScoresGiveHandComputedMetrics() {
        float[] scores = {
            0.1f, 0.9f, 0.3f, 0.2f, 0.5f,   // user 0: order 1,4,2,3,0 ; target 4 -> rank 2
            0.0f, 2.0f, 1.0f, -1f, 0.5f,    // user 1: order 1,2,4,0,3 ; target 1 -> rank 1
            5.0f, 4.0f, 3.0f, 2.0f, 1.0f,   // user 2: order 0,1,2,3,4 ; target 4 -> rank 5
        };
        int[] targets = {4, 1, 4};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.create(scores, new Shape(3, 5));
            int[][] top = FullRanking.topKIndices(s, 5);
            assertArrayEquals(new int[] {1, 4, 2, 3, 0}, top[0]);
            assertArrayEquals(new int[] {1, 2, 4, 0, 3}, top[1]);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4}, top[2]);
            EvaluationResult r = new Evaluator(5, new int[] {1, 2, 5}).evaluate(targets, top);
            assertArrayEquals(new int[] {2, 1, 5}, r.ranks());
            assertEquals(1 / 3.0, r.get("recall@1"), 1e-12);
            assertEquals(2 / 3.0, r.get("recall@2"), 1e-12);
            assertEquals(1.0, r.get("recall@5"), 1e-12);
            double log2of3 = Math.log(3) / Math.log(2);
            double log2of6 = Math.log(6) / Math.log(2);
            assertEquals((1 / log2of3 + 1) / 3, r.get("ndcg@2"), 1e-12);
            assertEquals((1 / log2of3 + 1 + 1 / log2of6) / 3, r.get("ndcg@5"), 1e-12);
            // top-2 lists cover items {1,4} u {1,2} u {0,1} = 4 of 5 items
            assertEquals(4 / 5.0, r.get("coverage@2"), 1e-12);
        }
    }

    @Test
    void historyItemsAreDroppedFromTheRankingAndCounted() {
        List<Example> examples = List.of(
                new Example(0, new int[] {1, 3}, 4),
                new Example(1, new int[] {0}, 2));
        int[][] ranked = {{1, 4, 3, 2, 0}, {2, 1, 4, 0, 3}};
        int[][] filtered = FullRanking.withoutHistory(ranked, examples, 2);
        assertArrayEquals(new int[] {4, 2}, filtered[0]);
        assertArrayEquals(new int[] {2, 1}, filtered[1]);
        // first 3 slots: user 0 has 1 and 3 (2 history items), user 1 none: 2 of 6
        assertEquals(2 / 6.0, FullRanking.historyShare(ranked, examples, 3), 1e-12);
        assertEquals(3 / 10.0, FullRanking.historyShare(ranked, examples, 10), 1e-12); // 3 of the 10 listed
    }
}
