package dev.siit.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siit.data.Example;
import dev.siit.eval.EvaluationResult;
import dev.siit.io.AtomicFiles;
import dev.siit.model.T5Model;
import dev.siit.model.TokenNormalisation;
import dev.siit.train.GenerativeRecommender;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siit eval}: full-ranking evaluation of a trained run on the test (or validation) split
 * with trie-constrained beam search; writes {@code runs/NAME/eval/SPLIT/metrics.json}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a trained run: Recall and NDCG @5/@10/@20, coverage.")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RunOptions runOptions;

    @Option(names = "--split", defaultValue = "test", description = "test or valid (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--beam", description = "Beam size (default: the run's).")
    Integer beam;

    @Option(names = "--batch-size", description = "Users decoded together (default: the run's).")
    Integer batchSize;

    @Option(names = "--max-users", defaultValue = "0", description = "Evaluate the first N users only (0 = all).")
    int maxUsers;

    @Option(names = "--device", description = "cpu or gpu (default: the run's).")
    String device;

    /** constrained results go to eval/SPLIT-constrained/. */
    @Mixin
    NormalisationOption normalisation;

    @Override
    public Integer call() throws Exception {
        if (!split.equals("test") && !split.equals("valid")) {
            throw new dev.siit.io.InputException("--split must be test or valid, got " + split);
        }
        TokenNormalisation norm = normalisation.value();
        RecommenderRun r = RecommenderRun.open(runOptions.runsRoot, runOptions.run);
        Path weights = r.weightsDir();
        int b = beam == null ? r.config.beam() : beam;
        List<Example> users = r.split.heldOut(split);
        if (maxUsers > 0 && maxUsers < users.size()) {
            users = users.subList(0, maxUsers);
        }
        long t0 = System.nanoTime();
        EvaluationResult result;
        try (T5Model model = T5Model.load(weights, RecommenderRun.device(device == null ? r.config.device() : device));
             NDManager m = NDManager.newBaseManager(model.device())) {
            GenerativeRecommender rec = r.recommender(model, b, batchSize == null ? r.config.evalBatchSize() : batchSize, norm);
            // test templates come from a generator of their own, seeded by the run's seed
            result = rec.evaluate(m, users, r.data.numItems(), new int[] {5, 10, 20},
                    new SplittableRandom(r.config.seed() ^ 0x7E57L));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format_version", 1);
        out.put("run", runOptions.run);
        out.put("split", split);
        out.put("users", result.users());
        out.put("beam", b);
        out.put("normalisation", norm.cliName());
        out.put("weights", weights.toString());
        out.put("metrics", result.metrics());
        out.put("seconds", seconds);
        out.put("users_per_second", result.users() / seconds);
        out.put("data_fingerprint", r.data.fingerprint());
        out.put("provenance", TrainCommand.provenance());
        out.put("ranks", result.ranks()); // 1-based rank of each user's held-out item, 0 = not ranked
        Path file = r.dir.resolve("eval").resolve(norm == TokenNormalisation.FULL ? split : split + "-constrained")
                .resolve("metrics.json");
        AtomicFiles.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out) + "\n");
        var o = spec.commandLine().getOut();
        o.printf("%s %s: %d users, %.1f s (%.1f users/s)%n", runOptions.run, split, result.users(), seconds, result.users() / seconds);
        for (int k : new int[] {5, 10, 20}) {
            o.printf("  recall@%-2d %.4f   ndcg@%-2d %.4f   coverage@%-2d %.4f%n", k, result.get("recall@" + k), k,
                    result.get("ndcg@" + k), k, result.get("coverage@" + k));
        }
        o.printf("metrics written to %s%n", file);
        return 0;
    }
}
