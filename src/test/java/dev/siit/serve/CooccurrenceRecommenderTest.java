package dev.siit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CooccurrenceRecommenderTest {
    private static final double EPS = 1e-9;

    private static void assertRanking(List<Recommendation> got, int[] items, double[] scores) {
        assertEquals(items.length, got.size(), "length of " + got);
        for (int m = 0; m < items.length; m++) {
            assertEquals(items[m], got.get(m).item(), "item at rank " + (m + 1) + " of " + got);
            assertEquals(scores[m], got.get(m).score(), EPS, "score at rank " + (m + 1));
        }
    }

    @Test
    void oneItemHistoryRanksByTransitionProbability() {
        // history [0]: item 1 = 2/3, item 2 = 1/3, item 3 only its prior; item 0 is in the history
        List<Recommendation> r = ServeFixtures.recommender().recommendBatch(List.of(new int[] {0}), 10).get(0);
        assertRanking(r, new int[] {1, 2, 3}, new double[] {
                2.0 / 3 + ServeFixtures.prior(2), 1.0 / 3 + ServeFixtures.prior(2), ServeFixtures.prior(1)});
    }

    @Test
    void olderItemsAreDecayed() {
        // history [1, 0]: 0 is most recent (weight 1), 1 has weight 0.5; 0 and 1 are excluded
        // item 2 = 1 * 1/3 + 0.5 * 1/2, item 3 = 0.5 * 1/2
        List<Recommendation> r = ServeFixtures.recommender().recommendBatch(List.of(new int[] {1, 0}), 10).get(0);
        assertRanking(r, new int[] {2, 3}, new double[] {
                1.0 / 3 + 0.25 + ServeFixtures.prior(2), 0.25 + ServeFixtures.prior(1)});
    }

    @Test
    void itemWithoutSuccessorsFallsBackToPopularityWithTiesToLowerIndex() {
        // item 3 never precedes anything: prior only; items 1 and 2 tie (pop 2) -> lower index first
        List<Recommendation> r = ServeFixtures.recommender().recommendBatch(List.of(new int[] {3}), 3).get(0);
        assertRanking(r, new int[] {0, 1, 2}, new double[] {
                ServeFixtures.prior(3), ServeFixtures.prior(2), ServeFixtures.prior(2)});
    }

    @Test
    void batchAnswersEachHistoryLikeASingleCallAndKCuts() {
        CooccurrenceRecommender rec = ServeFixtures.recommender();
        List<List<Recommendation>> batch = rec.recommendBatch(List.of(new int[] {0}, new int[] {1, 0}, new int[] {0}), 1);
        assertEquals(3, batch.size());
        assertEquals(List.of(1), batch.get(0).stream().map(Recommendation::item).toList());
        assertEquals(List.of(2), batch.get(1).stream().map(Recommendation::item).toList());
        assertEquals(batch.get(0), batch.get(2), "the scratch vector must not leak between histories");
    }

    @Test
    void widerWindowCountsLaterSuccessors() {
        // window 2 over [0,1,2]: 0 -> 1, 0 -> 2, 1 -> 2; so P(1|0) = P(2|0) = 1/2
        CooccurrenceRecommender rec = new CooccurrenceRecommender(new int[][] {{0, 1, 2}}, 3, 5, 2, 1.0);
        List<Recommendation> r = rec.recommendBatch(List.of(new int[] {0}), 5).get(0);
        assertRanking(r, new int[] {1, 2}, new double[] {0.5 + 1e-6, 0.5 + 1e-6});
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new CooccurrenceRecommender(ServeFixtures.TRAIN, 4, 0, 1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new CooccurrenceRecommender(ServeFixtures.TRAIN, 4, 2, 1, 0));
        assertEquals("co-occurrence", ServeFixtures.recommender().info().get("kind"));
    }
}
