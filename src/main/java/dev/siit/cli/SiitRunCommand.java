package dev.siit.cli;

import dev.siit.data.DatasetFormat;
import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.ids.rqvae.TextEmbedder;
import dev.siit.io.InputException;
import dev.siit.run.Provenance;
import dev.siit.run.RunDirectory;
import dev.siit.selfimprove.ExperimentRunner;
import dev.siit.selfimprove.InitialIdentifiers;
import dev.siit.selfimprove.SelfImprovingLoop;
import dev.siit.selfimprove.SiitConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siit siit --config FILE}: one SIIT run (Algorithm 1), or its baseline with
 * {@code refine: false}, in {@code runs/NAME/}; rerunning resumes at the last finished step.
 */
@Command(name = "siit", mixinStandardHelpOptions = true,
        description = "Run the self-improving item tokenization loop (warm-up, n iterations of alignment, "
                + "regeneration and recommendation training, test) for one config.")
public final class SiitRunCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "SIIT config (YAML, snake_case keys).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable), e.g. --set iterations=2.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs", description = "Parent of run folders (default: ${DEFAULT-VALUE}).")
    Path runs;

    @Option(names = "--name", paramLabel = "NAME", description = "Run folder name (default: INITIALIZER-siit|base-seedSEED).")
    String name;

    @Mixin
    LoopOptions.Tokenizer tokenizer;

    @Mixin
    LoopOptions.Similarity similarity;

    @Override
    public void run() {
        SiitConfig c = SiitConfig.load(config);
        if (!overrides.isEmpty()) {
            c = c.with(parseOverrides(overrides), "--set");
        }
        InteractionDataset data = DatasetLoader.load(Path.of(c.dataset()),
                c.datasetFormat() == null ? null : DatasetFormat.parse(c.datasetFormat()), c.kcore());
        String runName = name != null ? name : c.initializer() + "-" + (c.refine() ? "siit" : "base") + "-seed" + c.seed();
        RunDirectory run = RunDirectory.open(runs, runName);
        String hash = run.writeConfig(c);
        run.writeProvenance(Provenance.capture(hash, data.fingerprint(), c.seed()));
        float[][] embeddings = similarity.noSimilarity ? null : ExperimentRunner.embedTitles(data, TextEmbedder::embed);
        DatasetFormat format = c.datasetFormat() != null ? DatasetFormat.parse(c.datasetFormat())
                : DatasetFormat.detect(Path.of(c.dataset()));
        SelfImprovingLoop.Outcome out = new SelfImprovingLoop(c, run, data,
                dev.siit.model.PromptTemplates.forDataset(format), tokenizer.path, embeddings)
                .progress(!dev.siit.io.Progress.isQuiet()).run(InitialIdentifiers.make(c, data));
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "run %s: chose iteration %d by validation NDCG@10%n", run.path(), out.chosenIteration());
        for (String m : List.of("recall@5", "recall@10", "ndcg@5", "ndcg@10", "coverage@10")) {
            w.printf(Locale.ROOT, "  test %-12s %.4f%n", m, out.test().get(m));
        }
        for (SelfImprovingLoop.IterationSummary s : out.iterations()) {
            if (s.refined()) {
                w.printf(Locale.ROOT, "  iteration %d: self-recall %.2f%%, collision rate before avoidance %.2f%%, "
                                + "adjustment ratio %.2f%%: %s%n", s.iteration(), 100 * s.selfRecall(),
                        100 * s.collisionRate(), 100 * s.adjustmentRatio(), s.decision());
            }
        }
    }

    static Map<String, Object> parseOverrides(List<String> sets) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new InputException("--set needs KEY=VALUE, got '" + s + "'");
            }
            String v = s.substring(eq + 1);
            Object value = v;
            if (v.matches("-?\\d+")) {
                value = Long.parseLong(v);
            } else if (v.matches("-?\\d*\\.\\d+([eE]-?\\d+)?|-?\\d+[eE]-?\\d+")) {
                value = Double.parseDouble(v);
            } else if (v.equals("true") || v.equals("false")) {
                value = Boolean.parseBoolean(v);
            }
            m.put(s.substring(0, eq), value);
        }
        return m;
    }
}
