package dev.siit.cli;

import ai.djl.Device;
import dev.siit.baseline.BaselineConfig;
import dev.siit.baseline.BaselineRun;
import dev.siit.data.DatasetFormat;
import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.io.InputException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code siit baseline}: trains and evaluates a classic sequential recommender. */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Train and evaluate a sequential baseline (SASRec, GRU4Rec, Caser, BERT4Rec) with "
                + "leave-one-out full ranking; writes runs/NAME/MODEL/metrics.json.")
public final class BaselineCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "sasrec, gru4rec, caser or bert4rec")
    String model;

    @Option(names = "--data", required = true, description = "dataset folder or file")
    Path data;

    @Option(names = "--format", description = "movielens, letter or csv (default: detect)")
    String format;

    @Option(names = "--kcore", defaultValue = "5", description = "k-core filter (default ${DEFAULT-VALUE})")
    int kcore;

    @Option(names = "--run", required = true, description = "run name: output goes to RUNS/NAME/MODEL/")
    String run;

    @Option(names = "--runs-dir", defaultValue = "runs", description = "parent of run folders (default ${DEFAULT-VALUE})")
    Path runsDir;

    @Option(names = "--config", description = "YAML/JSON file overriding the model's defaults")
    Path config;

    @Option(names = "--epochs", description = "maximum epochs (overrides the config)")
    Integer epochs;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu0, gpu1, ... (default ${DEFAULT-VALUE})")
    String device;


    @Override
    public Integer call() {
        if (!run.matches("[A-Za-z0-9._-]+")) {
            throw new InputException("--run must be a plain name of letters, digits, '.', '_' or '-', got '" + run + "'");
        }
        BaselineConfig c = BaselineConfig.load(model.toLowerCase(Locale.ROOT), config);
        if (epochs != null) {
            if (epochs < 1) {
                throw new InputException("--epochs must be >= 1, got " + epochs);
            }
            c = c.withMaxEpochs(epochs);
        }
        Device d;
        try {
            d = Device.fromName(device);
        } catch (IllegalArgumentException e) {
            throw new InputException("--device: unknown device '" + device + "' (use cpu or gpu0)");
        }
        InteractionDataset ds = DatasetLoader.load(data, format == null ? null : DatasetFormat.parse(format), kcore);
        BaselineRun.execute(ds, c, seed, d, runsDir.resolve(run).resolve(c.model()), dev.siit.io.Progress.isQuiet()); // the root's inherited --quiet (also CI=true)
        return 0;
    }
}
