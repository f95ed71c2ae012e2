package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SemanticIdentifierSimilarityTest {

    /*
     * Four items; embeddings chosen so the cosines are exact:
     *   e0 = (1, 0), e1 = (0.6, 0.8), e2 = (0, 1), e3 = (-2, 0) (normalised to (-1, 0)).
     *   S01 = 0.6, S02 = 0, S03 = -1, S12 = 0.8, S13 = -0.6, S23 = 0.
     * Identifiers (levels a, b, c; items 0 and 1 also carry a collision token <d_0>):
     *   0: a_1 b_1 c_1 d_0 | 1: a_1 b_1 c_2 d_0 | 2: a_1 b_2 c_2 | 3: a_2 b_2 c_1
     *   O over levels a..c: O01 = 2, O02 = 1, O03 = 1, O12 = 2, O13 = 0, O23 = 1.
     * Clipped weights: only S01 and S12 are positive:
     *   (0.6 * 2 + 0.8 * 2) / (0.6 + 0.8) = 2.8 / 1.4 = 2.0
     * Signed: (0.6*2 + 0 - 1*1 + 0.8*2 - 0.6*0 + 0) / (0.6 + 0 - 1 + 0.8 - 0.6 + 0) = 1.8 / -0.2 = -9
     * Mean O = 7 / 6. With the d level counted, O01 = 3: clipped = (1.8 + 1.6) / 1.4 = 3.4 / 1.4.
     */
    private static final List<List<String>> IDS = List.of(
            List.of("<a_1>", "<b_1>", "<c_1>", "<d_0>"),
            List.of("<a_1>", "<b_1>", "<c_2>", "<d_0>"),
            List.of("<a_1>", "<b_2>", "<c_2>"),
            List.of("<a_2>", "<b_2>", "<c_1>"));
    private static final float[][] EMB = {{1, 0}, {0.6f, 0.8f}, {0, 1}, {-2, 0}};

    @Test
    void fourItemExampleComputedByHand() {
        SemanticIdentifierSimilarity.Result r = SemanticIdentifierSimilarity.compute(IDS, EMB, 3);
        assertEquals(2.0, r.weightedOverlap(), 1e-6);
        assertEquals(-9.0, r.signedWeightedOverlap(), 1e-4);
        assertEquals(7.0 / 6, r.meanOverlap(), 1e-12);
        assertEquals(12, r.pairs());
    }

    @Test
    void allLevelsCountWhenAsked() {
        SemanticIdentifierSimilarity.Result r = SemanticIdentifierSimilarity.compute(IDS, EMB);
        assertEquals(3.4 / 1.4, r.weightedOverlap(), 1e-6);
        assertEquals(8.0 / 6, r.meanOverlap(), 1e-12);
    }

    @Test
    void blockSizeDoesNotChangeTheResult() {
        for (int block : new int[] {1, 2, 3, 512}) {
            assertEquals(2.0, SemanticIdentifierSimilarity.compute(IDS, EMB, 3, block).weightedOverlap(), 1e-6);
        }
    }

    /**
     * Independent check on random data: the signed sum has a closed form. With unit vectors,
     * sum_{i != j} S_ij O_ij = sum over tokens t of (|sum_{i has t} e_i|^2 - n_t), and
     * sum_{i != j} S_ij = |sum_i e_i|^2 - n. The clipped value is checked against a naive double loop.
     */
    @Test
    void matchesClosedFormAndNaiveLoopOnRandomData() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 700;
        int d = 16;
        List<List<String>> ids = new ArrayList<>();
        float[][] emb = new float[n][d];
        for (int i = 0; i < n; i++) {
            ids.add(List.of("<a_" + rnd.nextInt(4) + ">", "<b_" + rnd.nextInt(6) + ">", "<c_" + rnd.nextInt(9) + ">"));
            for (int k = 0; k < d; k++) {
                emb[i][k] = (float) (rnd.nextDouble() - 0.3);
            }
        }
        SemanticIdentifierSimilarity.Result r = SemanticIdentifierSimilarity.compute(ids, emb, 3, 64);

        double[][] unit = new double[n][d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < d; k++) {
                norm += emb[i][k] * emb[i][k];
            }
            for (int k = 0; k < d; k++) {
                unit[i][k] = emb[i][k] / Math.sqrt(norm);
            }
        }
        java.util.Map<String, double[]> sums = new java.util.HashMap<>();
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        double[] all = new double[d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                all[k] += unit[i][k];
            }
            for (String t : ids.get(i)) {
                double[] s = sums.computeIfAbsent(t, x -> new double[d]);
                for (int k = 0; k < d; k++) {
                    s[k] += unit[i][k];
                }
                counts.merge(t, 1, Integer::sum);
            }
        }
        double num = 0;
        for (var e : sums.entrySet()) {
            num += sq(e.getValue()) - counts.get(e.getKey());
        }
        double den = sq(all) - n;
        assertEquals(num / den, r.signedWeightedOverlap(), 1e-3 * Math.abs(num / den));

        double wo = 0, w = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i == j) {
                    continue;
                }
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += unit[i][k] * unit[j][k];
                }
                int o = 0;
                for (int l = 0; l < 3; l++) {
                    o += ids.get(i).get(l).equals(ids.get(j).get(l)) ? 1 : 0;
                }
                if (s > 0) {
                    wo += s * o;
                    w += s;
                }
            }
        }
        assertEquals(wo / w, r.weightedOverlap(), 1e-5);
    }

    private static double sq(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }
}
