package dev.siit.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedComparisonTest {
    @Test
    void tTestAgainstHandComputation() {
        double[] a = {1, 0, 1, 1, 0};
        double[] b = {0, 0, 1, 0, 0};
        // d = [1, 0, 0, 1, 0]: mean 0.4, sample variance 1.2 / 4 = 0.3, se = sqrt(0.3 / 5) = sqrt(0.06)
        PairedComparison c = PairedComparison.of("recall@10", a, b, 1000, 1);
        assertEquals(0.6, c.meanA(), 1e-12);
        assertEquals(0.2, c.meanB(), 1e-12);
        assertEquals(0.4, c.meanDifference(), 1e-12);
        double t = 0.4 / Math.sqrt(0.06); // 1.63299...
        assertEquals(t, c.tTest().t(), 1e-12);
        assertEquals(4, c.tTest().degreesOfFreedom());
        // closed-form CDF of Student's t with 4 degrees of freedom (independent of commons-math):
        // F(x) = 1/2 + 3/8 * x / sqrt(1 + x^2/4) * (1 - x^2 / (12 (1 + x^2/4)))
        double q = 1 + t * t / 4;
        double cdf = 0.5 + 3.0 / 8 * t / Math.sqrt(q) * (1 - t * t / (12 * q));
        assertEquals(2 * (1 - cdf), c.tTest().pValue(), 1e-9);
        assertEquals(0.177808, c.tTest().pValue(), 1e-6);
        // t_{0.975, 4} = 2.776445 (standard table)
        assertEquals(0.4 - 2.776445105 * Math.sqrt(0.06), c.tTest().low(), 1e-8);
        assertEquals(0.4 + 2.776445105 * Math.sqrt(0.06), c.tTest().high(), 1e-8);
    }

    @Test
    void bootstrapOfTwoUsersHasAKnownDistribution() {
        // d = [0, 1]: resampled means are 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4, so the 95%
        // percentile interval is [0, 1] and P(|mean* - 0.5| >= 0.5) = P(mean* in {0, 1}) = 1/2
        PairedComparison c = PairedComparison.of("ndcg@10", new double[] {0, 1}, new double[] {0, 0}, 20_000, 7);
        assertEquals(0.0, c.bootstrap().low(), 0);
        assertEquals(1.0, c.bootstrap().high(), 0);
        assertEquals(0.5, c.bootstrap().pValue(), 0.011); // binomial sd 0.0035
        assertEquals(20_000, c.bootstrap().resamples());
        assertEquals(7, c.bootstrap().seed());
    }

    @Test
    void bootstrapIntervalAgreesWithTheTIntervalOnManyUsers() {
        SplittableRandom rng = new SplittableRandom(42);
        int n = 3000;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int u = 0; u < n; u++) {
            a[u] = rng.nextDouble() < 0.30 ? 1 : 0;
            b[u] = rng.nextDouble() < 0.25 ? 1 : 0;
        }
        PairedComparison c = PairedComparison.of("recall@10", a, b, 4000, 3);
        double halfWidth = (c.tTest().high() - c.tTest().low()) / 2;
        assertEquals(c.tTest().low(), c.bootstrap().low(), 0.1 * halfWidth);
        assertEquals(c.tTest().high(), c.bootstrap().high(), 0.1 * halfWidth);
    }

    @Test
    void sameSeedSameResultOtherSeedOtherResult() {
        double[] a = {0.1, 0.5, 0.3, 0.9, 0.0, 0.4, 0.7};
        double[] b = {0.2, 0.1, 0.3, 0.5, 0.1, 0.0, 0.2};
        PairedComparison x = PairedComparison.of("m", a, b, 500, 11);
        assertEquals(x, PairedComparison.of("m", a, b, 500, 11));
        assertNotEquals(x.bootstrap(), PairedComparison.of("m", a, b, 500, 12).bootstrap());
    }

    @Test
    void serializesToJson() throws Exception {
        PairedComparison c = PairedComparison.of("ndcg@10", new double[] {1, 0, 1}, new double[] {0, 0, 1}, 100, 9);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(c));
        assertEquals("ndcg@10", json.get("metric").asText());
        assertEquals(3, json.get("users").asInt());
        assertEquals(c.tTest().pValue(), json.get("tTest").get("pValue").asDouble(), 0);
        assertEquals(c.bootstrap().low(), json.get("bootstrap").get("low").asDouble(), 0);
        assertEquals(9, json.get("bootstrap").get("seed").asLong());
    }

    @Test
    void constantDifferences() {
        PairedComparison same = PairedComparison.of("m", new double[] {1, 0, 1}, new double[] {1, 0, 1}, 100, 1);
        assertEquals(1.0, same.tTest().pValue());
        assertEquals(1.0, same.bootstrap().pValue());
        PairedComparison shifted = PairedComparison.of("m", new double[] {0.5, 0.5, 0.5}, new double[] {0.25, 0.25, 0.25}, 100, 1);
        assertEquals(Double.POSITIVE_INFINITY, shifted.tTest().t());
        assertEquals(0.0, shifted.tTest().pValue());
        assertEquals(0.25, shifted.tTest().low());
        assertEquals(0.25, shifted.bootstrap().high());
        assertEquals(0.0, shifted.bootstrap().pValue());
    }

    @Test
    void fromEvaluationResultsAndBadInput() {
        Evaluator e = new Evaluator(3, new int[] {1});
        EvaluationResult r1 = e.evaluate(new int[] {0, 1, 2}, new int[][] {{0}, {1}, {0}});
        EvaluationResult r2 = e.evaluate(new int[] {0, 1, 2}, new int[][] {{1}, {1}, {0}});
        PairedComparison c = PairedComparison.of("recall@1", r1, r2, 100, 5);
        assertEquals(1.0 / 3, c.meanDifference(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> PairedComparison.of("ndcg@7", r1, r2, 100, 5));
        assertThrows(IllegalArgumentException.class,
                () -> PairedComparison.of("m", new double[] {1, 2}, new double[] {1}, 100, 5));
        assertThrows(IllegalArgumentException.class,
                () -> PairedComparison.of("m", new double[] {1}, new double[] {1}, 100, 5));
    }
}
