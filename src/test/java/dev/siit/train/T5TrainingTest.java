package dev.siit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.siit.eval.EvaluationResult;
import dev.siit.model.PrefixTrie;
import dev.siit.model.T5Config;
import dev.siit.model.T5Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer on the real T5 model (tiny, dropout on), with safetensors checkpoints. */
class T5TrainingTest {
    static T5Config tiny() {
        // vocab 24, d_model 32, d_kv 8, d_ff 64, 2 + 2 layers, 4 heads, dropout 0.1, tied
        return new T5Config(TrainerTest.V, 32, 8, 64, 2, 2, 4, 8, 20, 0.1, 1e-6, T5Config.RELU, true, 1.0, 0, 1, 0);
    }

    @Test
    void overfitsTinyDatasetToRecallAtOne(@TempDir Path dir) {
        try (T5Model model = T5Model.create(tiny(), 11); NDManager m = NDManager.newBaseManager()) {
            PrefixTrie trie = new PrefixTrie(TrainerTest.IDS, 1);
            GenerativeRecommender rec = new GenerativeRecommender(model, trie, TrainerTest.PROMPTS, 6, 8, 0);
            SequentialRecommendationSource source = new SequentialRecommendationSource(TrainerTest.examples(),
                    TrainerTest.PROMPTS, TrainerTest.IDS, 1);
            TrainConfig c = TrainerTest.config(60).with(Map.of("learning_rate", 0.02, "batch_size", 6, "schedule", "constant",
                    "patience", 0, "eval_every", 60, "warmup_steps", 3));
            EvaluationResult before = rec.evaluate(m, TrainerTest.examples(), 6, new int[] {1}, new SplittableRandom(1));
            try (Trainer t = new Trainer(model, c, m, 0).progress(false)) {
                t.fit(source, rec.validator(TrainerTest.examples(), 6, 5, 0),
                        new Checkpoints(dir, new SafeTensorsWeights(Map.of("test", "overfit"))), false);
            }
            EvaluationResult after = rec.evaluate(m, TrainerTest.examples(), 6, new int[] {1}, new SplittableRandom(1));
            assertTrue(before.get("recall@1") < 1.0);
            assertEquals(1.0, after.get("recall@1"));
            // the best checkpoint is a Hugging Face style folder that T5Model.load reads back
            try (T5Model loaded = T5Model.load(dir.resolve("best"))) {
                EvaluationResult again = new GenerativeRecommender(loaded, trie, TrainerTest.PROMPTS, 6, 8, 0)
                        .evaluate(m, TrainerTest.examples(), 6, new int[] {1}, new SplittableRandom(1));
                assertEquals(1.0, again.get("recall@1"));
            }
        }
    }

    @Test
    void resumeWithDropoutEqualsUninterruptedRun(@TempDir Path dir) {
        SequentialRecommendationSource source = new SequentialRecommendationSource(TrainerTest.examples(),
                TrainerTest.PROMPTS, TrainerTest.IDS, 1);
        TrainConfig c = TrainerTest.config(2).with(Map.of("learning_rate", 0.01));
        Map<String, float[]> straight;
        try (T5Model model = T5Model.create(tiny(), 5); NDManager m = NDManager.newBaseManager()) {
            try (Trainer t = new Trainer(model, c, m, 0).progress(false)) {
                t.fit(source, null, new Checkpoints(dir.resolve("a"), new SafeTensorsWeights(Map.of())), false);
            }
            straight = weights(model);
        }
        Checkpoints cb = new Checkpoints(dir.resolve("b"), new SafeTensorsWeights(Map.of()));
        try (T5Model model = T5Model.create(tiny(), 5); NDManager m = NDManager.newBaseManager()) {
            int[] calls = {0};
            try (Trainer t = new Trainer(model, c, m, 0).progress(false)) {
                assertThrows(IllegalStateException.class, () -> t.fit(source, mgr -> {
                    if (++calls[0] == 2) {
                        throw new IllegalStateException("killed");
                    }
                    return Map.of("ndcg@10", 0.1);
                }, cb, false));
            }
        }
        assertTrue(Files.isRegularFile(cb.latest().resolve("model.safetensors")));
        try (T5Model model = T5Model.create(tiny(), 77); NDManager m = NDManager.newBaseManager()) {
            try (Trainer t = new Trainer(model, c, m, 0).progress(false)) {
                assertTrue(t.fit(source, null, cb, true).resumed());
            }
            Map<String, float[]> resumed = weights(model);
            assertEquals(straight.keySet(), resumed.keySet());
            for (String k : straight.keySet()) {
                assertArrayEquals(straight.get(k), resumed.get(k), 1e-6f, k);
            }
        }
    }

    static Map<String, float[]> weights(T5Model model) {
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.parametersByName().entrySet()) {
            w.put(e.getKey(), e.getValue().getArray().toFloatArray());
        }
        return w;
    }
}
