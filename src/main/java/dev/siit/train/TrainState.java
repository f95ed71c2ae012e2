package dev.siit.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a run stands, written with every checkpoint ({@code state.json}). The random state is
 * not a generator dump: every epoch's generators (example order, templates, dropout) are derived
 * from {@code seed} and the epoch number, so the seed and the last finished epoch restore them.
 *
 * @param formatVersion          {@link #VERSION}
 * @param epoch                  last finished epoch (0 before training)
 * @param globalStep             optimizer steps done
 * @param seed                   the run's seed
 * @param bestMetric             best validation NDCG@10 so far (-1 before any validation)
 * @param bestEpoch              epoch of the best validation (0 before any)
 * @param evalsWithoutImprovement validations since the best one
 * @param stopped                early stopping fired
 * @param history                one entry per finished epoch
 */
public record TrainState(int formatVersion, int epoch, long globalStep, long seed, double bestMetric, int bestEpoch,
                         int evalsWithoutImprovement, boolean stopped, List<EpochRecord> history) {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /**
     * @param metrics validation metrics, empty when the epoch was not validated
     */
    public record EpochRecord(int epoch, double loss, double learningRate, double seconds, double samplesPerSecond,
                              double residentMiB, Map<String, Double> metrics) {
    }

    public static TrainState initial(long seed) {
        return new TrainState(VERSION, 0, 0, seed, -1, 0, 0, false, List.of());
    }

    public TrainState next(EpochRecord record, long globalStep, double bestMetric, int bestEpoch, int evalsWithout,
                           boolean stopped) {
        List<EpochRecord> h = new ArrayList<>(history);
        h.add(record);
        return new TrainState(VERSION, record.epoch(), globalStep, seed, bestMetric, bestEpoch, evalsWithout, stopped,
                List.copyOf(h));
    }

    public void save(Path file) {
        try {
            AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TrainState load(Path file) {
        TrainState s;
        try {
            s = JSON.readValue(file.toFile(), TrainState.class);
        } catch (IOException e) {
            throw new InputException("cannot read training state " + file + ": " + e.getMessage());
        }
        if (s.formatVersion() != VERSION) {
            throw new InputException(file + " has format version " + s.formatVersion() + ", this build reads " + VERSION);
        }
        return s;
    }
}
