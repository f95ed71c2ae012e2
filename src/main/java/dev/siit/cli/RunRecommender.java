package dev.siit.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.io.InputException;
import dev.siit.model.T5Model;
import dev.siit.serve.BeamSearchRecommender;
import dev.siit.serve.ItemCatalog;
import dev.siit.serve.ServedModel;
import dev.siit.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained run ({@code runs/NAME/}, written by {@code siit train}) as a {@link ServedModel}:
 * the run's dataset, identifiers, tokenizer, templates and prefix trie rebuilt as the run was
 * trained ({@link RecommenderRun}), its best (or latest) weights loaded once, and a
 * {@link BeamSearchRecommender} over them. {@code /info} shows the run's spec, model config,
 * training config, training state and any evaluation metrics.
 */
final class RunRecommender {
    private static final Logger LOG = LoggerFactory.getLogger(RunRecommender.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunRecommender() {
    }

    static ServedModel load(Path runsRoot, String name, String device, Integer beam, int template) {
        Path dir = RunSpec.dir(runsRoot, name);
        RunSpec spec = RunSpec.load(dir);
        @SuppressWarnings("unchecked")
        Map<String, Object> trained = JSON.convertValue(spec.train(), Map.class);
        TrainConfig config = TrainConfig.defaults().with(trained);
        RecommenderRun run = new RecommenderRun(spec, dir, config);
        int b = beam == null ? config.beam() : beam;
        if (b < 1 || b > 1000) {
            throw new InputException("--beam must be 1..1000, got " + b);
        }
        if (template < 0 || template >= run.prompts.numTemplates()) {
            throw new InputException("--template must be 0.." + (run.prompts.numTemplates() - 1) + ", got " + template);
        }
        Path weights = run.weightsDir();
        T5Model model = T5Model.load(weights, RecommenderRun.device(device == null ? config.device() : device));
        NDManager manager = NDManager.newBaseManager(model.device());
        LOG.info("run {}: {} items, weights {}, beam {}, template {}", name, run.data.numItems(), weights, b, template);

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("run", name);
        info.put("runDir", dir.toAbsolutePath().normalize().toString());
        info.put("weights", weights.toAbsolutePath().normalize().toString());
        info.put("identifiers", spec.ids());
        info.put("identifierMaxLength", run.identifiers.maxLength());
        info.put("backbone", spec.backbone());
        info.put("modelConfig", model.config().toJson());
        info.put("parameters", model.parameterCount());
        info.put("trainConfig", spec.train());
        info.put("trainState", readJson(weights.resolve("state.json")));
        info.put("metrics", evaluationMetrics(dir));
        info.put("provenance", spec.provenance());
        BeamSearchRecommender rec = new BeamSearchRecommender(model, run.trie, run.prompts, template, b,
                run.tokenizer.padId(), config.maxHistory(), run.data.numItems(), config.seed(), manager, info);

        Map<String, Object> dataset = ServedModel.describe(run.data, Path.of(spec.data()), config.kcore());
        ItemCatalog catalog = ItemCatalog.of(run.data, run.split.train(), run.identifiers);
        return new ServedModel(catalog, rec, dataset, () -> {
            manager.close();
            model.close();
            run.tokenizer.close();
        });
    }

    /** {@code eval/SPLIT/metrics.json} of every evaluated split, by split name. */
    private static Map<String, Object> evaluationMetrics(Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        Path eval = dir.resolve("eval");
        if (Files.isDirectory(eval)) {
            try (var splits = Files.list(eval)) {
                for (Path s : splits.sorted().toList()) {
                    JsonNode j = readJson(s.resolve("metrics.json"));
                    if (j != null) {
                        m.put(s.getFileName().toString(), j);
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot list {}: {}", eval, e.toString());
            }
        }
        return m;
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
