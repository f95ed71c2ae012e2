package dev.siit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.siit.model.T5Model;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScratchLeak {
    @Test
    void leak() throws Exception {
        try (T5Model model = T5Model.create(T5TrainingTest.tiny(), 11); NDManager m = NDManager.newBaseManager()) {
            SequentialRecommendationSource source = new SequentialRecommendationSource(TrainerTest.examples(),
                    TrainerTest.PROMPTS, TrainerTest.IDS, 1);
            List<Seq2SeqExample> ex = source.examples(1, new SplittableRandom(1));
            try (Trainer t = new Trainer(model, TrainerTest.config(1), m, 0)) {
                for (int i = 0; i < 1000; i++) {
                    Trainer.StepStats s = t.step(ex, 0.001);
                    if (i % 50 == 0) System.out.println("LEAK step " + i + " " + s + " rss " + ResidentMemory.currentMiB());
                    for (var p : model.parametersByName().entrySet()) {
                        NDArray w = p.getValue().getArray();
                        if (w.isNaN().any().getBoolean()) System.out.println("LEAK nan weight " + p.getKey());
                        NDArray[] mv = t.optimizer().moments(p.getKey());
                        if (mv == null) { continue; }
                        if (mv[0].isNaN().any().getBoolean()) System.out.println("LEAK nan m " + p.getKey());
                    }
                }
            }
        }
    }
}
