package dev.siit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import dev.siit.selfimprove.ExperimentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siit quickstart}: MovieLens-100K, CID initialisation, warm-up, 2 SIIT iterations, test,
 * base vs +SIIT. A REDUCED configuration (small backbone, fewer epochs, each user's last training
 * positions only) meant for a short run on 2 cores (its duration was not verified on an idle
 * machine, see docs/results.md); the paper's settings are in
 * {@code configs/ml100k-full.yaml}.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Base vs +SIIT on MovieLens-100K with CID identifiers, REDUCED settings for a short run.")
public final class QuickstartCommand implements Runnable {
    static final String RESOURCE = "/dev/siit/selfimprove/quickstart.yaml";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = SharedData.MOVIELENS_100K,
            description = "MovieLens-100K folder (default: ${DEFAULT-VALUE}).")
    Path data;

    @Mixin
    LoopOptions.ExperimentDir experiments;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1",
            description = "Seeds 1..N (default: ${DEFAULT-VALUE}; 3 or more for a comparison that can be reported).")
    int seeds;

    @Mixin
    LoopOptions.Tokenizer tokenizer;

    @Override
    public void run() {
        if (seeds < 1) {
            throw new InputException("--seeds must be >= 1, got " + seeds);
        }
        if (!Files.isRegularFile(data.resolve("u.data"))) {
            throw new InputException("--data " + data + " is not a MovieLens-100K folder (no u.data)");
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode tree;
        try (InputStream in = QuickstartCommand.class.getResourceAsStream(RESOURCE)) {
            tree = (ObjectNode) yaml.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
        ((ObjectNode) tree.get("siit")).put("dataset", data.toString());
        var seedList = tree.putArray("seeds");
        for (int s = 1; s <= seeds; s++) {
            seedList.add(s);
        }
        if (seeds > 1) {
            tree.put("name", tree.get("name").asText() + "-" + seeds + "seeds");
        }
        // the resolved config goes through the same loader (and validation) as any experiment file
        Path resolved = experiments.path.resolve(tree.get("name").asText() + ".yaml");
        try {
            AtomicFiles.writeString(resolved, yaml.writeValueAsString(tree));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ExperimentConfig c = ExperimentConfig.load(resolved);
        PrintWriter out = spec.commandLine().getOut();
        out.println("quickstart: REDUCED configuration (" + resolved + "); full settings: configs/ml100k-full.yaml");
        Path report = ExperimentCommand.run(c, experiments.path, tokenizer.path, false, List.of(
                "Quickstart: a REDUCED configuration (small 2+2-layer T5, fewer epochs, each user's last "
                        + "training positions only) for a short run; it is not the paper's setting. "
                        + "The full settings are in configs/ml100k-full.yaml."), out);
        out.println("report: " + report.toAbsolutePath().normalize());
    }
}
