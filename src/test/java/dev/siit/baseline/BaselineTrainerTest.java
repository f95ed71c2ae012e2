package dev.siit.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import dev.siit.data.InteractionDataset;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.io.InputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTrainerTest {

    @Test
    void resumingFromACheckpointGivesTheSameModelAsOneRun(@TempDir Path dir) {
        InteractionDataset data = TinyData.successorChains(12, 8, 6);
        BaselineConfig two = new BaselineConfig("sasrec", 6, 16, 1, 2, 32, 0.2, 0.1, "ce", 0.01, 0.0, 4, 2, 5, 64,
                3, 4, 2, 0.3, 0.0);
        BaselineConfig one = two.withMaxEpochs(1);
        LeaveOneOutSplit split = LeaveOneOutSplit.of(data, two.maxHistory());
        List<float[]> straight;
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialRecommender r = SequentialRecommender.create(two, 12, 8, m, 5);
            new BaselineTrainer(two, 5, true).train(r, split, 8, m, null, "p");
            straight = r.weights().snapshot();
        }
        Path ckpt = dir.resolve("checkpoint.bin");
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialRecommender r = SequentialRecommender.create(one, 12, 8, m, 5);
            new BaselineTrainer(one, 5, true).train(r, split, 8, m, ckpt, "p");
        }
        List<float[]> resumed;
        BaselineTrainer.Result result;
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialRecommender r = SequentialRecommender.create(two, 12, 8, m, 5);
            result = new BaselineTrainer(two, 5, true).train(r, split, 8, m, ckpt, "p");
            resumed = r.weights().snapshot();
            // another provenance must not resume silently
            SequentialRecommender r2 = SequentialRecommender.create(two, 12, 8, m, 5);
            assertThrows(InputException.class,
                    () -> new BaselineTrainer(two, 5, true).train(r2, split, 8, m, ckpt, "other"));
        }
        assertEquals(2, result.epochsRun());
        assertEquals(2, result.curve().size());
        assertEquals(straight.size(), resumed.size());
        for (int i = 0; i < straight.size(); i++) {
            // the restored weights are those of the best epoch in both runs; multi-threaded CPU
            // kernels leave ~1e-5 noise, while a restart from scratch would differ by ~1e-2
            assertArrayEquals(straight.get(i), resumed.get(i), 1e-3f, "weight " + i);
        }
    }
}
