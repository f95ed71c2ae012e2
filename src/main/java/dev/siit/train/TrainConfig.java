package dev.siit.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Everything that decides a training run, loaded from JSON or YAML (snake_case keys, every key
 * optional: missing ones keep the defaults below, unknown ones are an error) and overridable by
 * CLI options. Defaults follow the paper: AdamW lr 1e-3, batch 256, history 10, beam 20.
 *
 * @param learningRate     peak learning rate after warm-up
 * @param batchSize        training examples per optimizer step
 * @param epochs           maximum number of epochs
 * @param warmupSteps      linear warm-up steps from 0 to the peak
 * @param schedule         decay after warm-up: {@code linear}, {@code cosine} or {@code constant}
 * @param minLrRatio       learning rate at the end of the decay, as a share of the peak
 * @param weightDecay      decoupled AdamW weight decay (not on norms and biases)
 * @param beta1            AdamW first-moment decay
 * @param beta2            AdamW second-moment decay
 * @param epsilon          AdamW denominator epsilon
 * @param clipNorm         global gradient-norm limit; 0 disables clipping
 * @param evalEvery        validate every N epochs (and after the last)
 * @param patience         stop after this many validations without a better NDCG@10; 0 = never
 * @param evalMaxUsers     validate on the first N validation users only; 0 = all
 * @param seed             seed of every random choice (order, templates, dropout)
 * @param maxHistory       H, items of history in a prompt
 * @param beam             beam size of constrained decoding (and length of ranked lists)
 * @param evalBatchSize    users decoded together
 * @param kcore            k-core filter when loading the data
 * @param maxTrainExamples train on the first N training examples only (short runs); 0 = all
 * @param device           {@code cpu} or {@code gpu}
 */
public record TrainConfig(double learningRate, int batchSize, int epochs, int warmupSteps, String schedule,
                          double minLrRatio, double weightDecay, double beta1, double beta2, double epsilon,
                          double clipNorm, int evalEvery, int patience, int evalMaxUsers, long seed, int maxHistory,
                          int beam, int evalBatchSize, int kcore, String device, int maxTrainExamples) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public TrainConfig {
        check(learningRate > 0, "learning_rate must be > 0, got " + learningRate);
        check(batchSize >= 1, "batch_size must be >= 1, got " + batchSize);
        check(epochs >= 1, "epochs must be >= 1, got " + epochs);
        check(warmupSteps >= 0, "warmup_steps must be >= 0, got " + warmupSteps);
        check(Set.of("linear", "cosine", "constant").contains(schedule),
                "schedule must be linear, cosine or constant, got " + schedule);
        check(minLrRatio >= 0 && minLrRatio <= 1, "min_lr_ratio must be in [0, 1], got " + minLrRatio);
        check(weightDecay >= 0, "weight_decay must be >= 0, got " + weightDecay);
        check(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "beta1 and beta2 must be in [0, 1)");
        check(epsilon > 0, "epsilon must be > 0, got " + epsilon);
        check(clipNorm >= 0, "clip_norm must be >= 0 (0 disables), got " + clipNorm);
        check(evalEvery >= 1, "eval_every must be >= 1, got " + evalEvery);
        check(patience >= 0, "patience must be >= 0, got " + patience);
        check(evalMaxUsers >= 0, "eval_max_users must be >= 0, got " + evalMaxUsers);
        check(maxHistory >= 1, "max_history must be >= 1, got " + maxHistory);
        check(beam >= 1, "beam must be >= 1, got " + beam);
        check(evalBatchSize >= 1, "eval_batch_size must be >= 1, got " + evalBatchSize);
        check(kcore >= 0, "kcore must be >= 0, got " + kcore);
        check(Set.of("cpu", "gpu").contains(device), "device must be cpu or gpu, got " + device);
        check(maxTrainExamples >= 0, "max_train_examples must be >= 0 (0 = all), got " + maxTrainExamples);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new InputException("training config: " + message);
        }
    }

    public static TrainConfig defaults() {
        return new TrainConfig(1e-3, 256, 200, 1000, "cosine", 0.0, 0.01, 0.9, 0.999, 1e-8, 1.0, 1, 10, 0, 42,
                10, 20, 64, 5, "cpu", 0);
    }

    /** Reads a JSON or YAML file (by extension) over the defaults. */
    public static TrainConfig load(Path file) {
        JsonNode node;
        try {
            String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            node = (name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON).readTree(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputException("no such config file: " + file);
        } catch (IOException e) {
            throw new InputException("cannot parse config " + file + ": " + e.getMessage());
        }
        if (node == null || node.isNull()) {
            return defaults();
        }
        if (!node.isObject()) {
            throw new InputException("config " + file + " must be a mapping of keys to values");
        }
        return defaults().with(node, file.toString());
    }

    /** This config with the given keys (snake_case, as in a config file) replaced. */
    public TrainConfig with(Map<String, ?> overrides) {
        return with(JSON.valueToTree(overrides), "options");
    }

    private TrainConfig with(JsonNode overrides, String where) {
        ObjectNode merged = JSON.valueToTree(this);
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!merged.has(e.getKey())) {
                throw new InputException("unknown training config key '" + e.getKey() + "' in " + where);
            }
            merged.set(e.getKey(), e.getValue());
        }
        try {
            return JSON.treeToValue(merged, TrainConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            Throwable c = e.getCause();
            if (c instanceof InputException ie) {
                throw new InputException(ie.getMessage() + " (in " + where + ")");
            }
            throw new InputException("bad value in " + where + ": " + e.getOriginalMessage());
        }
    }

    /** As JSON with snake_case keys (run provenance). */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JSON tree (for embedding in other provenance files). */
    public JsonNode toTree() {
        return JSON.valueToTree(this);
    }
}
