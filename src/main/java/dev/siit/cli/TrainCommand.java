package dev.siit.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.siit.data.DatasetFormat;
import dev.siit.io.InputException;
import dev.siit.model.T5Config;
import dev.siit.model.T5Model;
import dev.siit.model.ItemTokenizer;
import dev.siit.run.NumericEnvironment;
import dev.siit.run.Provenance;
import dev.siit.train.Checkpoints;
import dev.siit.train.SafeTensorsWeights;
import dev.siit.train.SequentialRecommendationSource;
import dev.siit.train.TrainConfig;
import dev.siit.train.TrainState;
import dev.siit.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siit train}: trains a T5 generative recommender on the sequential recommendation task,
 * in {@code runs/NAME/}. Options override the config file, which overrides the defaults.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a T5 generative recommender (sequential recommendation, constrained decoding).")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", description = "Dataset source: MovieLens folder, LETTER folder or .inter.json, CSV.")
    Path data;

    @Option(names = "--format", description = "movielens, letter or csv (default: detected).")
    String format;

    @Option(names = "--ids", description = "Identifiers: an .index.json file, sid or iid.")
    String ids;

    @Option(names = "--backbone", description = "Hugging Face T5 folder (config.json, model.safetensors); default: LETTER-TIGER from scratch.")
    Path backbone;

    @Option(names = "--model-config", description = "T5 config.json for training from scratch (default: LETTER-TIGER).")
    Path modelConfig;

    @Option(names = "--tokenizer", description = "T5 tokenizer.json or its folder (default: ${DEFAULT-VALUE}).",
            defaultValue = SharedData.TOKENIZER)
    Path tokenizer;

    @Option(names = "--config", description = "Training config, JSON or YAML.")
    Path config;

    @Mixin
    RunsFolderOption runs;

    @Option(names = "--run", required = true, description = "Run name: results go to runs/NAME/.")
    String run;

    @Option(names = "--resume", description = "Continue runs/NAME from its latest checkpoint.")
    boolean resume;

    @Option(names = "--epochs", description = "Override epochs.")
    Integer epochs;

    @Option(names = "--batch-size", description = "Override batch_size.")
    Integer batchSize;

    @Option(names = "--lr", description = "Override learning_rate.")
    Double lr;

    @Option(names = "--seed", description = "Override seed.")
    Long seed;

    @Option(names = "--eval-every", description = "Override eval_every.")
    Integer evalEvery;

    @Option(names = "--eval-max-users", description = "Override eval_max_users (0 = all).")
    Integer evalMaxUsers;

    @Option(names = "--patience", description = "Override patience.")
    Integer patience;

    @Option(names = "--warmup-steps", description = "Override warmup_steps.")
    Integer warmupSteps;

    @Option(names = "--max-train-examples", description = "Override max_train_examples (short runs; 0 = all).")
    Integer maxTrainExamples;

    @Option(names = "--device", description = "Override device: cpu or gpu.")
    String device;

    // --quiet is the root command's inherited option (a second one here made picocli refuse to start)

    @Override
    public Integer call() {
        Path dir = RunSpec.dir(runs.runsRoot, run);
        RecommenderRun r;
        TrainConfig c;
        if (resume && Files.isRegularFile(dir.resolve(RunSpec.FILE))) {
            RecommenderRun saved = RecommenderRun.open(runs.runsRoot, run);
            c = overrides(saved.config);
            r = c.equals(saved.config) ? saved : new RecommenderRun(saved.spec, dir, c);
            if (!c.equals(saved.config)) {
                new RunSpec(RunSpec.VERSION, saved.spec.name(), saved.spec.data(), saved.spec.format(), saved.spec.ids(),
                        saved.spec.backbone(), saved.spec.tokenizer(), saved.spec.dataFingerprint(), c.toTree(),
                        saved.spec.provenance()).save(dir);
            }
        } else {
            if (Files.exists(dir.resolve(RunSpec.FILE))) {
                throw new InputException("run " + run + " already exists in " + dir + ": use --resume or another --run name");
            }
            if (data == null || ids == null) {
                throw new InputException("a new run needs --data and --ids");
            }
            c = overrides(config == null ? TrainConfig.defaults() : TrainConfig.load(config));
            DatasetFormat f = format == null ? DatasetFormat.detect(data) : DatasetFormat.parse(format);
            Path tok = backbone != null && Files.isRegularFile(backbone.resolve("tokenizer.json"))
                    ? backbone.resolve("tokenizer.json") : tokenizer;
            String idSpec = ids.equals("sid") || ids.equals("iid") ? ids : Path.of(ids).toAbsolutePath().normalize().toString();
            RunSpec s0 = new RunSpec(RunSpec.VERSION, run, data.toAbsolutePath().normalize().toString(), f.name().toLowerCase(),
                    idSpec, backbone == null ? null : backbone.toAbsolutePath().normalize().toString(),
                    tok.toAbsolutePath().normalize().toString(), null, c.toTree(), provenance());
            r = RecommenderRun.create(s0, dir, c);
            RunSpec s = new RunSpec(s0.formatVersion(), s0.name(), s0.data(), s0.format(), s0.ids(), s0.backbone(),
                    s0.tokenizer(), r.data.fingerprint(), s0.train(), s0.provenance());
            s.save(dir);
            r.tokenizer.saveItemTokens(dir);
        }
        spec.commandLine().getOut().printf("run %s: %s, %d users, %d items, %d training examples, %d identifiers "
                        + "(max length %d), vocabulary %d%n", run, r.data.name(), r.data.numUsers(), r.data.numItems(),
                r.split.trainExamples().size(), r.trie.numIdentifiers(), r.identifiers.maxLength(), r.tokenizer.vocabSize());
        try (T5Model model = buildModel(r, c); NDManager manager = NDManager.newBaseManager(model.device())) {
            spec.commandLine().getOut().printf("model: %s, %,d parameters, threads %s%n", model.config(),
                    model.parameterCount(), System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
            Map<String, Object> prov = new LinkedHashMap<>(r.spec.provenance());
            prov.put("run", run);
            prov.put("data_fingerprint", r.data.fingerprint());
            prov.put("ids", r.spec.ids());
            prov.put("seed", c.seed());
            Checkpoints checkpoints = new Checkpoints(dir, new SafeTensorsWeights(prov));
            var trainExamples = c.maxTrainExamples() > 0 && c.maxTrainExamples() < r.split.trainExamples().size()
                    ? r.split.trainExamples().subList(0, c.maxTrainExamples()) : r.split.trainExamples();
            SequentialRecommendationSource source = new SequentialRecommendationSource(trainExamples, r.prompts,
                    r.identifierIds, r.tokenizer.eosId());
            var validator = r.recommender(model, c.beam(), c.evalBatchSize())
                    .validator(r.split.validExamples(), r.data.numItems(), c.seed(), c.evalMaxUsers());
            try (Trainer trainer = new Trainer(model, c, manager, r.tokenizer.padId()).progress(!dev.siit.io.Progress.isQuiet())) {
                Trainer.Result result = trainer.fit(source, validator, checkpoints, resume);
                TrainState st = result.state();
                spec.commandLine().getOut().printf("done: %d epochs, best valid ndcg@10 %.4f at epoch %d%s; weights in %s%n",
                        st.epoch(), st.bestMetric(), st.bestEpoch(), st.stopped() ? " (early stop)" : "",
                        checkpoints.bestDir());
            }
        }
        return 0;
    }

    private T5Model buildModel(RecommenderRun r, TrainConfig c) {
        var dev = RecommenderRun.device(c.device());
        Engine.getInstance().setRandomSeed((int) c.seed());
        if (r.spec.backbone() != null) {
            T5Model m = T5Model.load(Path.of(r.spec.backbone()), dev);
            m.resizeTokenEmbeddings(r.tokenizer.vocabSize(), c.seed());
            return m;
        }
        T5Config cfg = modelConfig != null ? T5Config.load(modelConfig).withVocabSize(r.tokenizer.vocabSize())
                : T5Config.letterTiger(r.tokenizer.vocabSize());
        return T5Model.create(cfg, c.seed(), dev);
    }

    private TrainConfig overrides(TrainConfig base) {
        Map<String, Object> o = new LinkedHashMap<>();
        put(o, "epochs", epochs);
        put(o, "batch_size", batchSize);
        put(o, "learning_rate", lr);
        put(o, "seed", seed);
        put(o, "eval_every", evalEvery);
        put(o, "eval_max_users", evalMaxUsers);
        put(o, "patience", patience);
        put(o, "warmup_steps", warmupSteps);
        put(o, "device", device);
        put(o, "max_train_examples", maxTrainExamples);
        return o.isEmpty() ? base : base.with(o);
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    static Map<String, String> provenance() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("git_commit", Provenance.gitCommitOrUnknown());
        p.put("djl", Engine.getDjlVersion());
        p.put("java", System.getProperty("java.version"));
        p.put("started", Instant.now().toString());
        p.putAll(NumericEnvironment.current().asEntries());
        return p;
    }
}
