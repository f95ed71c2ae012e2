package dev.siit.selfimprove;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.data.DatasetFormat;
import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.model.PromptTemplates;
import dev.siit.run.Provenance;
import dev.siit.run.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every cell of an {@link ExperimentConfig} grid as its own run directory under
 * {@code DIR/runs/ID/}; finished steps of earlier invocations are reused, so a rerun after a kill
 * (or with more seeds) only computes what is missing.
 */
public final class ExperimentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

    /** One finished cell: its outcome and the per-user test metrics (for paired tests). */
    public record RunResult(ExperimentConfig.Run run, SelfImprovingLoop.Outcome outcome,
                            Map<String, double[]> testPerUser) {
    }

    private final ExperimentConfig config;
    private final Path dir;
    private final Path tokenizer;
    private final Function<List<String>, float[][]> embedder;
    private boolean progress = true;

    /**
     * @param dir       the experiment directory ({@code experiments/NAME})
     * @param tokenizer the T5 {@code tokenizer.json} (or its folder)
     * @param embedder  item titles -> sentence embeddings for the semantic identifier similarity;
     *                  null to skip that measurement
     */
    public ExperimentRunner(ExperimentConfig config, Path dir, Path tokenizer, Function<List<String>, float[][]> embedder) {
        this.config = config;
        this.dir = dir;
        this.tokenizer = tokenizer;
        this.embedder = embedder;
    }

    public ExperimentRunner progress(boolean show) {
        this.progress = show;
        return this;
    }

    public Path directory() {
        return dir;
    }

    public List<RunResult> runAll() {
        Map<String, InteractionDataset> datasets = new HashMap<>();
        Map<String, float[][]> embeddings = new HashMap<>();
        Map<String, ItemIdentifiers> initial = new HashMap<>();
        Map<String, RunDirectory> warmups = new HashMap<>(); // initializer|seed -> first run with that warm-up
        List<RunResult> results = new ArrayList<>();
        List<ExperimentConfig.Run> runs = config.runs();
        for (int k = 0; k < runs.size(); k++) {
            ExperimentConfig.Run r = runs.get(k);
            SiitConfig c = r.config();
            LOG.info("run {}/{}: {}", k + 1, runs.size(), r.id());
            String dataKey = c.dataset() + "|" + c.datasetFormat() + "|" + c.kcore();
            InteractionDataset data = datasets.computeIfAbsent(dataKey, x -> DatasetLoader.load(Path.of(c.dataset()),
                    c.datasetFormat() == null ? null : DatasetFormat.parse(c.datasetFormat()), c.kcore()));
            float[][] emb = embedder == null ? null : embeddings.computeIfAbsent(dataKey, x -> embedTitles(data, embedder));
            ItemIdentifiers t0 = initial.computeIfAbsent(dataKey + "|" + c.initializer() + "|" + c.indexFile() + "|" + c.seed(),
                    x -> InitialIdentifiers.make(c, data));
            RunDirectory run = RunDirectory.open(dir.resolve("runs"), r.id());
            String hash = run.writeConfig(c);
            run.writeProvenance(Provenance.capture(hash, data.fingerprint(), c.seed()));
            RunDirectory warm = warmups.computeIfAbsent(dataKey + "|" + c.initializer() + "|" + c.seed(), x -> run);
            SelfImprovingLoop.Outcome out = new SelfImprovingLoop(c, run, data, templatesFor(c, data), tokenizer, emb)
                    .progress(progress).reuseWarmupFrom(warm).run(t0);
            results.add(new RunResult(r, out, readPerUser(run)));
        }
        return results;
    }

    /** The paper's template set for the dataset: movie wording for MovieLens, product otherwise. */
    static PromptTemplates templatesFor(SiitConfig c, InteractionDataset data) {
        DatasetFormat f = c.datasetFormat() != null ? DatasetFormat.parse(c.datasetFormat())
                : DatasetFormat.detect(Path.of(c.dataset()));
        return PromptTemplates.forDataset(f);
    }

    /**
     * Embeddings of the titles (the semantic feature C_i of the alignment tasks); items without a
     * title get a zero vector, which {@link SemanticIdentifierSimilarity} gives weight 0.
     */
    public static float[][] embedTitles(InteractionDataset data, Function<List<String>, float[][]> embedder) {
        int[] titled = AlignmentTasks.itemsWithTitle(data);
        List<String> texts = new ArrayList<>(titled.length);
        for (int item : titled) {
            texts.add(data.itemTexts().get(item).title());
        }
        float[][] e = embedder.apply(texts);
        int d = e.length == 0 ? 1 : e[0].length;
        float[][] out = new float[data.numItems()][];
        for (int k = 0; k < titled.length; k++) {
            out[titled[k]] = e[k];
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = new float[d];
            }
        }
        return out;
    }

    static Map<String, double[]> readPerUser(RunDirectory run) {
        try {
            return new ObjectMapper().readValue(run.resolve("test-per-user.json").toFile(),
                    new TypeReference<Map<String, double[]>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
