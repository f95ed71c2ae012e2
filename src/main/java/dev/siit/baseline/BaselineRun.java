package dev.siit.baseline;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siit.data.Example;
import dev.siit.data.InteractionDataset;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.eval.EvaluationResult;
import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import dev.siit.io.NpyMatrix;
import dev.siit.io.PhaseTimer;
import dev.siit.run.NumericEnvironment;
import dev.siit.run.Provenance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One baseline experiment: split, train with early stopping, evaluate the best epoch on the
 * test examples, and write into {@code dir}: {@code metrics.json} (test and validation metrics,
 * validation curve, provenance), {@code per-user-test.json} (per-user values for paired tests),
 * {@code checkpoint.bin} (resumable state) and, for SASRec, {@code item-embeddings.npy} with
 * {@code item-embeddings.items.json}.
 */
public final class BaselineRun {
    public static final int FORMAT_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(BaselineRun.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BaselineRun() {
    }

    /** What a run produced, for callers and tests. */
    public record Outcome(EvaluationResult test, BaselineTrainer.Result training) {
    }

    public static Outcome execute(InteractionDataset data, BaselineConfig config, long seed, Device device, Path dir,
                                  boolean quiet) {
        LeaveOneOutSplit split;
        try (PhaseTimer t = PhaseTimer.start("split")) {
            split = LeaveOneOutSplit.of(data, config.maxHistory());
        }
        if (split.testExamples().isEmpty()) {
            throw new InputException("dataset " + data.name() + " has no user with 3 or more interactions to evaluate");
        }
        String provenance = provenance(config, data, seed);
        Engine.getInstance().setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            SequentialRecommender model = SequentialRecommender.create(config, data.numUsers(), data.numItems(),
                    manager, seed);
            LOG.info("{} on {}: {} users, {} items, {} parameters, device {}", config.model(), data.name(),
                    data.numUsers(), data.numItems(), model.weights().parameterCount(), device);
            BaselineTrainer.Result trained;
            try (PhaseTimer t = PhaseTimer.start("train " + config.model())) {
                trained = new BaselineTrainer(config, seed, quiet).train(model, split, data.numItems(), manager,
                        dir.resolve("checkpoint.bin"), provenance);
            }
            EvaluationResult test;
            try (PhaseTimer t = PhaseTimer.start("test evaluation")) {
                test = FullRanking.evaluate(model, manager, split.testExamples(), data.numItems(),
                        config.evalBatchSize());
            }
            FullRanking.HistoryDiagnostic diagnostic;
            try (PhaseTimer t = PhaseTimer.start("history diagnostic")) {
                diagnostic = FullRanking.historyDiagnostic(model, manager, split.testExamples(), data.numItems(),
                        config.evalBatchSize());
            }
            if (model instanceof SasRec) {
                writeItemEmbeddings(model, data, dir);
            }
            writePerUser(dir.resolve("per-user-test.json"), data, split.testExamples(), test);
            writeMetrics(dir.resolve("metrics.json"), config, data, seed, device, test, trained, diagnostic);
            LOG.info("{} test R@5 {} R@10 {} N@5 {} N@10 {} (best epoch {} of {})", config.model(),
                    f(test.get("recall@5")), f(test.get("recall@10")), f(test.get("ndcg@5")), f(test.get("ndcg@10")),
                    trained.bestEpoch(), trained.epochsRun());
            LOG.info("{} diagnostic: history items take {} of the test top-10 slots; with history items removed "
                    + "from the ranking R@10 {} N@10 {}", config.model(), f(diagnostic.historyShareAt10()),
                    f(diagnostic.excludingHistory().get("recall@10")), f(diagnostic.excludingHistory().get("ndcg@10")));
            return new Outcome(test, trained);
        }
    }

    static String provenance(BaselineConfig config, InteractionDataset data, long seed) {
        // maxEpochs is left out so that a finished run can be resumed with a larger --epochs
        return "config=" + config.withMaxEpochs(1).toJson() + ";data=" + data.fingerprint() + ";seed=" + seed;
    }

    /** SASRec's item embedding table (I, d) as float32 .npy, rows in dense item order, plus the original ids. */
    static void writeItemEmbeddings(SequentialRecommender model, InteractionDataset data, Path dir) {
        try (NDScope scope = new NDScope()) {
            NDArray items = model.itemVectors();
            int rows = (int) items.getShape().get(0);
            int cols = (int) items.getShape().get(1);
            new NpyMatrix(rows, cols, items.toFloatArray()).write(dir.resolve("item-embeddings.npy"));
        }
        try {
            AtomicFiles.writeString(dir.resolve("item-embeddings.items.json"),
                    JSON.writeValueAsString(data.itemIds()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePerUser(Path file, InteractionDataset data, List<Example> examples, EvaluationResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("split", "test");
        ArrayNode users = root.putArray("users");
        for (Example e : examples) {
            users.add(data.userIds().get(e.user()));
        }
        ArrayNode ranks = root.putArray("ranks");
        for (int rank : r.ranks()) {
            ranks.add(rank);
        }
        ObjectNode metrics = root.putObject("metrics");
        for (Map.Entry<String, double[]> m : r.perUser().entrySet()) {
            ArrayNode a = metrics.putArray(m.getKey());
            for (double v : m.getValue()) {
                a.add(v);
            }
        }
        try {
            AtomicFiles.writeString(file, new ObjectMapper().writeValueAsString(root));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeMetrics(Path file, BaselineConfig config, InteractionDataset data, long seed, Device device,
                                     EvaluationResult test, BaselineTrainer.Result trained,
                                     FullRanking.HistoryDiagnostic diagnostic) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("model", config.model());
        root.put("dataset", data.name());
        root.putPOJO("test", test.metrics());
        root.putPOJO("validation", trained.valid().metrics());
        root.put("users", test.users());
        // not the reported protocol: see FullRanking.HistoryDiagnostic
        ObjectNode diag = root.putObject("diagnostics");
        diag.put("testHistoryShareAt10", diagnostic.historyShareAt10());
        diag.putPOJO("testExcludingHistory", diagnostic.excludingHistory().metrics());
        ObjectNode training = root.putObject("training");
        training.put("bestEpoch", trained.bestEpoch());
        training.put("epochsRun", trained.epochsRun());
        training.put("stoppedEarly", trained.stoppedEarly());
        training.put("trainSeconds", Math.round(trained.trainSeconds() * 10) / 10.0);
        training.putPOJO("validationCurve", trained.curve());
        ObjectNode prov = root.putObject("provenance");
        prov.putPOJO("config", config);
        prov.put("dataFingerprint", data.fingerprint());
        prov.put("numUsers", data.numUsers());
        prov.put("numItems", data.numItems());
        prov.put("seed", seed);
        prov.put("device", device.toString());
        prov.put("gitCommit", Provenance.gitCommitOrUnknown());
        prov.put("djl", Engine.getDjlVersion());
        prov.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        prov.put("java", System.getProperty("java.version"));
        prov.putPOJO("numerics", NumericEnvironment.current());
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String f(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
