package dev.siit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.siit.data.Example;
import dev.siit.eval.EvaluationResult;
import dev.siit.model.FakeSeq2SeqModel;
import dev.siit.model.PrefixTrie;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    static final int V = 24;
    // items 0..5, identifiers from level-a tokens {10,11,12} and level-b tokens {13,14}
    static final int[][] IDS = {{10, 13}, {10, 14}, {11, 13}, {11, 14}, {12, 13}, {12, 14}};

    /** Prompt = template marker token (2 or 3) + history item tokens (4 + item) + EOS. */
    static final PromptEncoder PROMPTS = new PromptEncoder() {
        @Override
        public int numTemplates() {
            return 2;
        }

        @Override
        public int[] encode(int template, int[] history) {
            int[] p = new int[history.length + 2];
            p[0] = 2 + template;
            for (int i = 0; i < history.length; i++) {
                p[i + 1] = 4 + history[i];
            }
            p[p.length - 1] = 1;
            return p;
        }
    };

    /** Item i is always followed by item (i + 1) mod 6. */
    static List<Example> examples() {
        List<Example> ex = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ex.add(new Example(i, new int[] {i}, (i + 1) % 6));
        }
        return ex;
    }

    static TrainConfig config(int epochs) {
        return TrainConfig.defaults().with(Map.of("learning_rate", 0.05, "batch_size", 4, "epochs", epochs,
                "warmup_steps", 2, "schedule", "linear", "beam", 6, "clip_norm", 1.0, "seed", 7));
    }

    @Test
    void overfitsATinyDatasetToRecallAtOne(@TempDir Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 16, 3);
            PrefixTrie trie = new PrefixTrie(IDS, 1);
            GenerativeRecommender rec = new GenerativeRecommender(model, trie, PROMPTS, 6, 4, 0);
            SequentialRecommendationSource source = new SequentialRecommendationSource(examples(), PROMPTS, IDS, 1);
            EvaluationResult before = rec.evaluate(m, examples(), 6, new int[] {1}, new SplittableRandom(1));
            TrainConfig c = config(40).with(Map.of("patience", 0, "eval_every", 20));
            try (Trainer t = new Trainer(model, c, m, 0).progress(false)) {
                Trainer.Result r = t.fit(source, rec.validator(examples(), 6, 5, 0), new Checkpoints(dir, new ParameterFile()),
                        false);
                assertEquals(40, r.state().epoch());
                assertEquals(2, r.state().history().stream().filter(e -> !e.metrics().isEmpty()).count());
                assertTrue(r.state().history().get(39).loss() < 0.05, "final loss " + r.state().history().get(39).loss());
            }
            EvaluationResult after = rec.evaluate(m, examples(), 6, new int[] {1}, new SplittableRandom(1));
            assertTrue(before.get("recall@1") < 1.0);
            assertEquals(1.0, after.get("recall@1"));
            assertTrue(Files.isRegularFile(dir.resolve("best/parameters.bin")));
            assertTrue(Files.isRegularFile(dir.resolve("checkpoint/epoch-0040/optimizer.bin")));
        }
    }

    @Test
    void stopsAtTheFirstValidationThatReachesTheTargetAfterTheMinimumEpochs(@TempDir Path dir) {
        SequentialRecommendationSource source = new SequentialRecommendationSource(examples(), PROMPTS, IDS, 1);
        TrainConfig c = config(8).with(Map.of("eval_every", 1));
        // min epoch, target -> expected last epoch; the fake metric after epoch e is 0.1 * e
        int[][] cases = {{2, 30, 3}, {5, 30, 5}, {1, 95, 8}};
        for (int[] k : cases) {
            try (NDManager m = NDManager.newBaseManager()) {
                FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 16, 3);
                int[] calls = {0};
                try (Trainer t = new Trainer(model, c, m, 0).progress(false)) {
                    Trainer.Result r = t.selectOn("self_recall").stopWhenReached(k[1] / 100.0, k[0])
                            .fit(source, mgr -> Map.of("self_recall", 0.1 * ++calls[0]),
                                    new Checkpoints(dir.resolve("run" + k[0] + "-" + k[1]), new ParameterFile()), false);
                    assertEquals(k[2], r.state().epoch(), "min " + k[0] + " target " + k[1]);
                    assertEquals(k[2], calls[0]);
                    assertEquals(k[2] < 8, r.state().stopped());
                }
            }
        }
    }

    @Test
    void resumeAfterAKillGivesTheWeightsOfAnUninterruptedRun(@TempDir Path dir) {
        SequentialRecommendationSource source = new SequentialRecommendationSource(examples(), PROMPTS, IDS, 1);
        float[][] straight;
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 16, 3);
            try (Trainer t = new Trainer(model, config(2), m, 0).progress(false)) {
                t.fit(source, mgr -> Map.of("ndcg@10", 0.5), new Checkpoints(dir.resolve("a"), new ParameterFile()), false);
            }
            straight = weights(model);
        }
        Checkpoints cb = new Checkpoints(dir.resolve("b"), new ParameterFile());
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 16, 3);
            int[] calls = {0};
            try (Trainer t = new Trainer(model, config(2), m, 0).progress(false)) {
                // the "kill": validation of epoch 2 dies, after epoch 1's checkpoint was written
                assertThrows(IllegalStateException.class, () -> t.fit(source, mgr -> {
                    if (++calls[0] == 2) {
                        throw new IllegalStateException("killed");
                    }
                    return Map.of("ndcg@10", 0.5);
                }, cb, false));
            }
        }
        assertTrue(cb.latest().endsWith("epoch-0001"));
        try (NDManager m = NDManager.newBaseManager()) {
            // a fresh process: a differently initialised model, a new trainer and optimizer
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 16, 99);
            try (Trainer t = new Trainer(model, config(2), m, 0).progress(false)) {
                Trainer.Result r = t.fit(source, mgr -> Map.of("ndcg@10", 0.5), cb, true);
                assertTrue(r.resumed());
                assertEquals(2, r.state().epoch());
                assertEquals(4, t.optimizer().stepCount()); // 2 epochs x ceil(6 / 4) steps
            }
            float[][] resumed = weights(model);
            for (int i = 0; i < straight.length; i++) {
                assertArrayEquals(straight[i], resumed[i], 1e-6f);
            }
        }
    }

    @Test
    void stepsDoNotLeaveArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 16, 3);
            SequentialRecommendationSource source = new SequentialRecommendationSource(examples(), PROMPTS, IDS, 1);
            List<Seq2SeqExample> ex = source.examples(1, new SplittableRandom(1));
            try (Trainer t = new Trainer(model, config(1), m, 0)) {
                t.step(ex, 0.01); // creates the optimizer moments
                int live = count(m);
                for (int i = 0; i < 5; i++) {
                    t.step(ex, 0.01);
                }
                assertEquals(live, count(m));
            }
        }
    }

    @Test
    void nonFiniteGradientsSkipTheUpdateAndRepeatedOnesStopTraining() {
        try (NDManager m = NDManager.newBaseManager()) {
            FakeSeq2SeqModel model = new FakeSeq2SeqModel(m, V, 16, 3);
            SequentialRecommendationSource source = new SequentialRecommendationSource(examples(), PROMPTS, IDS, 1);
            List<Seq2SeqExample> ex = source.examples(1, new SplittableRandom(1));
            try (Trainer t = new Trainer(model, config(1), m, 0)) {
                t.step(ex, 0.01);
                float[] emb = model.param("emb").toFloatArray();
                model.param("bias").set(new ai.djl.ndarray.index.NDIndex("3"), Float.NaN); // poisons every logit row
                Trainer.StepStats s = t.step(ex, 0.01);
                assertTrue(Double.isNaN(s.loss()));
                assertEquals(1, t.skippedSteps());
                assertEquals(1, t.optimizer().stepCount());
                assertArrayEquals(emb, model.param("emb").toFloatArray(), 0f); // no update happened
                for (int i = 0; i < 8; i++) {
                    t.step(ex, 0.01);
                }
                assertThrows(IllegalStateException.class, () -> t.step(ex, 0.01)); // the 10th in a row
            }
        }
    }

    static int count(NDManager m) {
        int n = m.getManagedArrays().size();
        // sub-managers (the optimizer's) are not in the list: they are counted by their own arrays
        return n;
    }

    static float[][] weights(FakeSeq2SeqModel model) {
        return new float[][] {model.param("emb").toFloatArray(), model.param("ctx").toFloatArray(),
                model.param("out").toFloatArray(), model.param("bias").toFloatArray()};
    }
}
