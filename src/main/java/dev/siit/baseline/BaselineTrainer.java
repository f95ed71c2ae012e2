package dev.siit.baseline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.siit.baseline.TrainingCheckpoint.EpochRecord;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.eval.EvaluationResult;
import dev.siit.optim.AdamW;
import dev.siit.optim.TrainableParameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link SequentialRecommender} on the training parts of a leave-one-out split with
 * AdamW, evaluates full-ranking NDCG@10 on the validation examples after every epoch, stops
 * after {@code patience} epochs without improvement and restores the best epoch's weights.
 * After every epoch the whole state is written atomically to a checkpoint, from which a run
 * resumes bit for bit (the epoch's shuffling, dropout and sampling are derived from seed and
 * epoch number).
 */
public final class BaselineTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(BaselineTrainer.class);
    /** Batches sorted by length within chunks of this many batches: less padding, still shuffled. */
    private static final int BUCKET_BATCHES = 32;

    private final BaselineConfig config;
    private final long seed;
    private final boolean quiet;

    /** What training produced: the curve, the best epoch and the restored best weights' metrics. */
    public record Result(List<EpochRecord> curve, int bestEpoch, int epochsRun, EvaluationResult valid,
                         double trainSeconds, boolean stoppedEarly) {
    }

    public BaselineTrainer(BaselineConfig config, long seed, boolean quiet) {
        this.config = config;
        this.seed = seed;
        this.quiet = quiet;
    }

    /**
     * @param checkpoint where to write (and resume from) the state after each epoch; null = none
     * @param provenance must equal the provenance of an existing checkpoint to resume from it
     */
    public Result train(SequentialRecommender model, LeaveOneOutSplit split, int numItems, NDManager manager,
                        Path checkpoint, String provenance) {
        int[][] train = split.train();
        List<Integer> users = new ArrayList<>();
        for (int u = 0; u < train.length; u++) {
            if (train[u].length >= 2) {
                users.add(u);
            }
        }
        if (users.isEmpty()) {
            throw new dev.siit.io.InputException("no user has 2 or more training interactions: nothing to train on");
        }
        ModelWeights weights = model.weights();
        AdamW adam = optimizer(weights, config);
        List<EpochRecord> curve = new ArrayList<>();
        int epoch = 0;
        int bestEpoch = 0;
        double bestNdcg = -1;
        int bad = 0;
        List<float[]> best = null;
        if (checkpoint != null && Files.exists(checkpoint)) {
            TrainingCheckpoint c = TrainingCheckpoint.read(checkpoint, weights);
            if (!c.provenance().equals(provenance)) {
                throw new dev.siit.io.InputException("checkpoint " + checkpoint + " was written with another config, "
                        + "data or seed: use a new --run name or delete it");
            }
            weights.restore(c.weights());
            c.restoreOptimizer(adam, weights);
            epoch = c.epoch();
            bestEpoch = c.bestEpoch();
            bestNdcg = c.bestNdcg();
            bad = c.badEpochs();
            best = c.best();
            curve.addAll(c.curve());
            LOG.info("resuming {} after epoch {} (best NDCG@10 {} at epoch {})", model.name(), epoch,
                    fmt(bestNdcg), bestEpoch);
        }
        long t0 = System.nanoTime();
        double previousSeconds = curve.stream().mapToDouble(EpochRecord::seconds).sum();
        boolean stoppedEarly = bad >= config.patience();
        while (epoch < config.maxEpochs() && !stoppedEarly) {
            epoch++;
            long e0 = System.nanoTime();
            double loss = runEpoch(model, train, users, manager, adam, epoch);
            EvaluationResult valid = FullRanking.evaluate(model, manager, split.validExamples(), numItems,
                    config.evalBatchSize());
            double ndcg = valid.get("ndcg@10");
            double secs = (System.nanoTime() - e0) / 1e9;
            curve.add(new EpochRecord(epoch, loss, valid.get("recall@10"), ndcg, secs));
            if (ndcg > bestNdcg) {
                bestNdcg = ndcg;
                bestEpoch = epoch;
                bad = 0;
                best = weights.snapshot();
            } else {
                bad++;
            }
            stoppedEarly = bad >= config.patience();
            LOG.info("{} epoch {}: loss {} valid R@10 {} N@10 {} (best {} at {}) {}", model.name(), epoch, fmt(loss),
                    fmt(valid.get("recall@10")), fmt(ndcg), fmt(bestNdcg), bestEpoch,
                    String.format(Locale.ROOT, "%.1fs", secs));
            if (checkpoint != null) {
                try (NDScope scope = new NDScope()) {
                    new TrainingCheckpoint(provenance, epoch, bestEpoch, bestNdcg, bad, List.copyOf(curve),
                            adam.stepCount(), weights.snapshot(), TrainingCheckpoint.moments(adam, weights), best).write(checkpoint, weights);
                }
            }
        }
        if (best != null) {
            weights.restore(best);
        }
        EvaluationResult valid = FullRanking.evaluate(model, manager, split.validExamples(), numItems,
                config.evalBatchSize());
        double seconds = previousSeconds + (System.nanoTime() - t0) / 1e9;
        return new Result(List.copyOf(curve), bestEpoch, epoch, valid, seconds, stoppedEarly);
    }

    /** One pass over the users; returns the mean batch loss. */
    double runEpoch(SequentialRecommender model, int[][] train, List<Integer> users, NDManager manager, AdamW adam,
                    int epoch) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        Engine.getInstance().setRandomSeed((int) (seed * 31 + epoch)); // dropout
        List<int[]> batches = batches(users, train, random);
        double sum = 0;
        long start = System.nanoTime();
        int done = 0;
        try (ProgressBar bar = progress(model.name() + " epoch " + epoch, batches.size())) {
            for (int[] batch : batches) {
                List<int[]> seqs = new ArrayList<>(batch.length);
                for (int u : batch) {
                    seqs.add(train[u]);
                }
                float l;
                try (NDScope scope = new NDScope()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = model.loss(manager, batch, seqs, random.split());
                        gc.backward(loss);
                        l = loss.getFloat();
                    }
                    if (!Float.isFinite(l)) {
                        // stop before the update spreads NaN into the weights and the next checkpoint
                        throw new IllegalStateException(model.name() + ": training loss is " + l + " in epoch " + epoch
                                + " step " + (done + 1) + "; the checkpoint of the previous epoch is kept");
                    }
                    step(model.weights(), adam);
                    sum += l;
                }
                done++;
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", l));
                } else if (batches.size() >= 20 && done % (batches.size() / 5) == 0) {
                    // quiet mode still reports the rate, so a long run can be judged from its log
                    double secs = (System.nanoTime() - start) / 1e9;
                    LOG.info("{} epoch {}: {}/{} steps, {} s/step, loss {}", model.name(), epoch, done, batches.size(),
                            String.format(Locale.ROOT, "%.2f", secs / done), fmt(sum / done));
                }
            }
        }
        return sum / batches.size();
    }

    /**
     * Adam (beta1 0.9, beta2 0.999, eps 1e-8) with decoupled weight decay on every weight, in the
     * arithmetic the published baseline results were trained with; its moments live in the
     * weights' manager.
     */
    static AdamW optimizer(ModelWeights weights, BaselineConfig config) {
        return new AdamW(weights.manager(), 0.9, 0.999, 1e-8, config.weightDecay(), AdamW.DECAY_ALL,
                AdamW.Arithmetic.CORRECTED_MOMENTS);
    }

    /** One update from the gradients left by the last backward pass; call inside an NDScope. */
    private void step(ModelWeights weights, AdamW adam) {
        List<TrainableParameter> params = new ArrayList<>(weights.all().size());
        for (java.util.Map.Entry<String, NDArray> e : weights.all().entrySet()) {
            params.add(new TrainableParameter(e.getKey(), e.getValue(), e.getValue().getGradient()));
        }
        adam.step(params, config.learningRate(), 1.0);
        for (TrainableParameter p : params) {
            p.gradient().subi(p.gradient()); // gradients accumulate across backward passes in PyTorch: clear them
        }
    }

    /**
     * Users shuffled, cut into chunks of {@link #BUCKET_BATCHES} batches, each chunk sorted by
     * sequence length and cut into batches, batches shuffled: rows of a batch have similar
     * lengths, so little padding is computed.
     */
    List<int[]> batches(List<Integer> users, int[][] train, SplittableRandom random) {
        int[] order = users.stream().mapToInt(Integer::intValue).toArray();
        shuffle(order, random);
        int bs = config.batchSize();
        int chunk = bs * BUCKET_BATCHES;
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < order.length; start += chunk) {
            Integer[] part = Arrays.stream(order, start, Math.min(order.length, start + chunk)).boxed()
                    .toArray(Integer[]::new);
            Arrays.sort(part, (a, b) -> Integer.compare(Math.min(train[a].length, config.maxHistory() + 1),
                    Math.min(train[b].length, config.maxHistory() + 1)));
            for (int s = 0; s < part.length; s += bs) {
                out.add(Arrays.stream(part, s, Math.min(part.length, s + bs)).mapToInt(Integer::intValue).toArray());
            }
        }
        Collections.shuffle(out, new java.util.Random(random.nextLong()));
        return out;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private ProgressBar progress(String task, int steps) {
        if (quiet || "true".equalsIgnoreCase(System.getenv("CI"))) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(1000).showSpeed().build();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
