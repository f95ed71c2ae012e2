package dev.siit.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.siit.data.Example;
import dev.siit.data.InteractionDataset;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.eval.EvaluationResult;
import dev.siit.optim.AdamW;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SequentialRecommenderTest {

    @ParameterizedTest
    @ValueSource(strings = {"sasrec", "gru4rec", "caser", "bert4rec"})
    void overfitsSuccessorChains(String model) {
        // 8 items, each always followed by the next: the test target is a function of the last item
        InteractionDataset data = TinyData.successorChains(16, 8, 6);
        BaselineConfig config = TinyData.config(model, "bert4rec".equals(model) ? 40 : 20);
        LeaveOneOutSplit split = LeaveOneOutSplit.of(data, config.maxHistory());
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialRecommender r = SequentialRecommender.create(config, data.numUsers(), data.numItems(), m, 7);
            EvaluationResult before = FullRanking.evaluate(r, m, split.testExamples(), data.numItems(), 64);
            new BaselineTrainer(config, 7, true).train(r, split, data.numItems(), m, null, "test");
            EvaluationResult after = FullRanking.evaluate(r, m, split.testExamples(), data.numItems(), 64);
            assertTrue(before.get("recall@1") < 0.5, model + " already good before training: " + before.metrics());
            assertTrue(after.get("recall@1") >= 0.9, model + " did not overfit: " + after.metrics());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sasrec", "gru4rec", "caser", "bert4rec"})
    void batchScoresEqualOneUserAtATime(String model) {
        BaselineConfig config = TinyData.config(model, 1);
        List<Example> examples = List.of(
                new Example(0, new int[] {3}, 1),
                new Example(1, new int[] {0, 1, 2, 3, 4, 5}, 6),
                new Example(2, new int[] {7, 2}, 0),
                new Example(3, new int[] {5, 5, 1, 6}, 2));
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialRecommender r = SequentialRecommender.create(config, 4, 8, m, 3);
            float[][] batch = FullRanking.scores(r, m, examples);
            for (int u = 0; u < examples.size(); u++) {
                float[] single = FullRanking.scores(r, m, List.of(examples.get(u)))[0];
                assertEquals(8, single.length);
                for (int i = 0; i < 8; i++) {
                    assertEquals(single[i], batch[u][i], 1e-5, model + " user " + u + " item " + i);
                }
            }
            // and the ranked lists agree with sorting those scores in Java
            int[][] top = FullRanking.topK(r, m, examples, 3, 2);
            for (int u = 0; u < examples.size(); u++) {
                float[] s = batch[u];
                int[] expected = java.util.stream.IntStream.range(0, 8).boxed()
                        .sorted((a, b) -> Float.compare(s[b], s[a])).limit(3).mapToInt(Integer::intValue).toArray();
                assertArrayEquals(expected, top[u], model + " user " + u);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sasrec", "gru4rec", "caser", "bert4rec"})
    void liveArraysDoNotGrowOverTrainingSteps(String model) {
        InteractionDataset data = TinyData.successorChains(16, 8, 7);
        BaselineConfig config = TinyData.config(model, 1);
        LeaveOneOutSplit split = LeaveOneOutSplit.of(data, config.maxHistory());
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialRecommender r = SequentialRecommender.create(config, data.numUsers(), data.numItems(), m, 1);
            BaselineTrainer trainer = new BaselineTrainer(config, 1, true);
            AdamW adam = BaselineTrainer.optimizer(r.weights(), config);
            List<Integer> users = new ArrayList<>();
            for (int u = 0; u < data.numUsers(); u++) {
                users.add(u);
            }
            trainer.runEpoch(r, split.train(), users, m, adam, 1);
            int after1 = m.getManagedArrays().size();
            trainer.runEpoch(r, split.train(), users, m, adam, 2);
            assertEquals(after1, m.getManagedArrays().size());
        }
    }

    @org.junit.jupiter.api.Test
    void sasrecIsCausal() {
        BaselineConfig config = TinyData.config("sasrec", 1);
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            SasRec r = (SasRec) SequentialRecommender.create(config, 1, 8, m, 5);
            float[] a = hidden(r, m, new int[] {1, 2, 4});
            float[] b = hidden(r, m, new int[] {1, 2, 7}); // only the last item differs
            int d = config.hiddenSize();
            for (int i = 0; i < 2 * d; i++) {
                assertEquals(a[i], b[i], 1e-6, "position " + i / d + " saw a later item");
            }
            double diff = 0;
            for (int i = 2 * d; i < 3 * d; i++) {
                diff += Math.abs(a[i] - b[i]);
            }
            assertTrue(diff > 1e-3, "the last position ignores its own item");
            // padding after a shorter sequence does not change its states either
            float[][] padded = hiddenBatch(r, m, List.of(new int[] {1, 2}, new int[] {1, 2, 3}));
            float[] alone = hidden(r, m, new int[] {1, 2});
            for (int i = 0; i < 2 * d; i++) {
                assertEquals(alone[i], padded[0][i], 1e-5);
            }
        }
    }

    private static float[] hidden(SasRec r, NDManager m, int[] seq) {
        return r.hidden(m, PaddedSequences.of(List.of(seq)), false).toFloatArray();
    }

    private static float[][] hiddenBatch(SasRec r, NDManager m, List<int[]> seqs) {
        PaddedSequences p = PaddedSequences.of(seqs);
        NDArray h = r.hidden(m, p, false);
        float[][] out = new float[seqs.size()][];
        for (int b = 0; b < seqs.size(); b++) {
            out[b] = h.get(b).toFloatArray();
        }
        return out;
    }

    @org.junit.jupiter.api.Test
    void bert4recMasksPositionsAndAppendsTheMaskToken() {
        BaselineConfig base = TinyData.config("bert4rec", 1);
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            Bert4Rec r = (Bert4Rec) SequentialRecommender.create(base, 1, 8, m, 9);
            assertEquals(9, r.maskToken()); // 0 pad, 1..8 items, 9 mask
            PaddedSequences batch = PaddedSequences.of(List.of(new int[] {0, 1, 2, 3, 4}, new int[] {5, 6}));
            SplittableRandom random = new SplittableRandom(11);
            int maskedTotal = 0;
            for (int trial = 0; trial < 200; trial++) {
                List<Long> pos = new ArrayList<>();
                List<Long> tgt = new ArrayList<>();
                long[] tokens = r.maskTokens(batch, random, pos, tgt);
                boolean[] rowMasked = new boolean[2];
                for (int k = 0; k < pos.size(); k++) {
                    int p = pos.get(k).intValue();
                    assertEquals(9, tokens[p], "a masked position holds the mask token");
                    assertEquals(batch.ids()[p] - 1, tgt.get(k).longValue(), "the target is the original item");
                    assertTrue(p % batch.width() < batch.lengths()[p / batch.width()], "padding is never masked");
                    rowMasked[p / batch.width()] = true;
                }
                assertTrue(rowMasked[0] && rowMasked[1], "every sequence has a masked position");
                for (int p = 0; p < tokens.length; p++) {
                    if (!pos.contains((long) p)) {
                        assertEquals(batch.ids()[p], tokens[p], "an unmasked position is unchanged");
                    }
                }
                maskedTotal += pos.size();
            }
            // E[masked] per trial is about p * 7 positions plus the forced ones: between 1 and 7 per row pair
            assertTrue(maskedTotal > 200 * 2 && maskedTotal < 200 * 7, "masked " + maskedTotal);

            // prediction: the representation is the state of a mask token appended after the history
            float[] rep = r.represent(m, List.of(new Example(0, new int[] {3, 5}, 1))).toFloatArray();
            PaddedSequences withMask = PaddedSequences.of(List.of(new int[] {3, 5, 0}));
            long[] tokens = {4, 6, 9};
            float[] states = r.hidden(m, withMask, tokens, false).toFloatArray();
            int d = base.hiddenSize();
            assertEquals(d + 1, rep.length);
            for (int i = 0; i < d; i++) {
                assertEquals(states[2 * d + i], rep[i], 1e-6);
            }
            assertEquals(1f, rep[d]);
            // bidirectional: unlike SASRec, the first position sees a later item
            float[] other = r.hidden(m, withMask, new long[] {4, 2, 9}, false).toFloatArray();
            double diff = 0;
            for (int i = 0; i < d; i++) {
                diff += Math.abs(states[i] - other[i]);
            }
            assertTrue(diff > 1e-4, "position 0 ignores later items");
        }
    }

    @org.junit.jupiter.api.Test
    void bert4recLastItemMaskingMasksOnlyTheLastItem() {
        BaselineConfig b = TinyData.config("bert4rec", 1);
        BaselineConfig config = new BaselineConfig("bert4rec", b.maxHistory(), b.hiddenSize(), b.numLayers(),
                b.numHeads(), b.innerSize(), 0, 0, "ce", 0.01, 0, 8, 1, 1, 64, 3, 4, 2, 0.3, 1.0);
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            Bert4Rec r = (Bert4Rec) SequentialRecommender.create(config, 1, 8, m, 9);
            PaddedSequences batch = PaddedSequences.of(List.of(new int[] {0, 1, 2, 3, 4}, new int[] {5, 6}));
            List<Long> pos = new ArrayList<>();
            List<Long> tgt = new ArrayList<>();
            r.maskTokens(batch, new SplittableRandom(1), pos, tgt);
            assertEquals(List.of(4L, 6L), pos); // width 5: row 0 last = 4, row 1 last = 5 + 1
            assertEquals(List.of(4L, 6L), tgt); // items 4 and 6
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void caserLossIsTheMeanCrossEntropyOverTheNextTItemsOfEachWindow(int targets) {
        BaselineConfig t = TinyData.config("caser", 1); // no dropout: training and scoring agree
        BaselineConfig config = new BaselineConfig(t.model(), t.maxHistory(), t.hiddenSize(), t.numLayers(),
                t.numHeads(), t.innerSize(), t.dropout(), t.attentionDropout(), t.loss(), t.learningRate(),
                t.weightDecay(), t.batchSize(), t.maxEpochs(), t.patience(), t.evalBatchSize(), t.caserWindow(),
                t.caserHorizontal(), t.caserVertical(), t.maskProbability(), t.lastItemMaskProbability(), targets);
        int[][] seqs = {{0, 1, 2, 3, 4}, {5, 6, 7}};
        int[] users = {1, 0};
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialRecommender r = SequentialRecommender.create(config, 2, 8, m, 5);
            float loss;
            try (NDScope scope = new NDScope()) {
                loss = r.loss(m, users, List.of(seqs), new SplittableRandom(1)).getFloat();
            }
            // independently: score each window's history through the evaluation path and average
            // -log softmax over the (window, target) pairs in Java
            double sum = 0;
            int pairs = 0;
            for (int b = 0; b < seqs.length; b++) {
                int[] s = seqs[b];
                for (int w = 1; w < s.length; w++) {
                    int[] history = java.util.Arrays.copyOf(s, w);
                    float[] scores = FullRanking.scores(r, m, List.of(new Example(users[b], history, s[w])))[0];
                    double max = Double.NEGATIVE_INFINITY;
                    for (float v : scores) {
                        max = Math.max(max, v);
                    }
                    double z = 0;
                    for (float v : scores) {
                        z += Math.exp(v - max);
                    }
                    for (int j = w; j < Math.min(s.length, w + targets); j++) {
                        sum += -(scores[s[j]] - max - Math.log(z));
                        pairs++;
                    }
                }
            }
            // pairs by hand: T = 1: 4 + 2; T = 2: (2+2+2+1) + (2+1); T = 3: (3+3+2+1) + (2+1)
            assertEquals(new int[] {6, 10, 12}[targets - 1], pairs);
            assertEquals(sum / pairs, loss, 1e-4, "T = " + targets);
        }
    }
}
