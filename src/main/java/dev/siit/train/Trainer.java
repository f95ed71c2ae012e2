package dev.siit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.siit.model.Seq2SeqModel;
import dev.siit.optim.AdamW;
import dev.siit.optim.TrainableParameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Teacher-forced training of a {@link Seq2SeqModel} on (prompt, target) examples from any
 * {@link ExampleSource}: AdamW, global-norm clipping, warm-up + decay, validation every N
 * epochs with best-checkpoint keeping and early stopping, an atomic checkpoint after every epoch
 * and an exact resume.
 *
 * <p>Reproducibility: epoch e draws its example order and templates from a generator seeded by
 * (seed, e) and re-seeds the engine (dropout) from (seed, e) too, so resuming after epoch e
 * continues exactly as an uninterrupted run would. Memory: every step runs in its own
 * sub-manager of {@code manager}; gradients are zeroed in place after each update.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final Seq2SeqModel model;
    private final TrainConfig config;
    private final NDManager manager;
    private final AdamW optimizer;
    private final int padTokenId;
    private final List<Pair<String, NDArray>> params = new ArrayList<>();
    private boolean progress = true;
    private static final int MAX_CONSECUTIVE_SKIPS = 10;
    private long skippedSteps;
    private int consecutiveSkips;
    private String selectionMetric = Validator.SELECTION_METRIC;
    private double stopTarget = Double.NaN;
    private int stopMinEpoch;

    /** @param padTokenId pads prompts and targets (T5: 0) */
    public Trainer(Seq2SeqModel model, TrainConfig config, NDManager manager, int padTokenId) {
        this.model = model;
        this.config = config;
        this.manager = manager;
        this.padTokenId = padTokenId;
        // one native call per parameter: +4.9% samples/s on the tiny shape (docs/benchmarks.md)
        this.optimizer = new AdamW(manager, config.beta1(), config.beta2(), config.epsilon(), config.weightDecay(),
                AdamW::decays, AdamW.Arithmetic.FUSED);
        for (Pair<String, Parameter> p : model.block().getParameters()) {
            Parameter param = p.getValue();
            if (!param.requiresGradient()) {
                continue; // frozen
            }
            NDArray a = param.getArray();
            if (!a.hasGradient()) {
                a.setRequiresGradient(true);
            }
            params.add(new Pair<>(p.getKey(), a));
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException("the model has no trainable parameters");
        }
    }

    /** Shows a progress bar per epoch (default) or stays quiet. */
    public Trainer progress(boolean show) {
        this.progress = show;
        return this;
    }

    /**
     * Selects on {@code metric} (best checkpoint, patience, {@link #stopWhenReached}) instead of
     * {@link Validator#SELECTION_METRIC}; the validator must then return it.
     */
    public Trainer selectOn(String metric) {
        this.selectionMetric = java.util.Objects.requireNonNull(metric);
        return this;
    }

    /**
     * Ends training after the first validation at epoch {@code >= minEpoch} whose selection metric
     * is {@code >= target} (e.g. SIIT's alignment until self-recall reaches a level). The epoch
     * budget {@code config.epochs()} stays the cap and fixes the learning-rate schedule.
     */
    public Trainer stopWhenReached(double target, int minEpoch) {
        this.stopTarget = target;
        this.stopMinEpoch = minEpoch;
        return this;
    }

    /** Steps whose update was skipped because of a non-finite loss or gradient. */
    public long skippedSteps() {
        return skippedSteps;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /** Loss and gradient norm (before clipping) of one optimizer step. */
    public record StepStats(double loss, double gradNorm) {
    }

    /** One optimizer step on {@code examples} at learning rate {@code lr}. */
    public StepStats step(List<Seq2SeqExample> examples, double lr) {
        Seq2SeqBatch b = Seq2SeqBatch.of(examples, padTokenId, model.decoderStartTokenId());
        try (NDManager sm = manager.newSubManager()) {
            NDArray ids = b.inputIds(sm);
            NDArray mask = b.inputMask(sm);
            NDArray dec = b.decoderInput(sm);
            NDArray labels = b.labels(sm);
            NDArray lmask = b.labelMask(sm);
            double loss;
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray hidden = model.encode(ids, mask, true); // (B, S, d)
                NDArray l = model.responseLoss(hidden, mask, dec, labels, lmask, true); // scalar
                gc.backward(l);
                loss = l.getFloat();
            }
            List<TrainableParameter> tp = new ArrayList<>(params.size());
            List<NDArray> grads = new ArrayList<>(params.size());
            for (Pair<String, NDArray> p : params) {
                NDArray g = p.getValue().getGradient(); // a new handle on the parameter's manager:
                g.attach(sm); // ... closed with this step
                grads.add(g);
                tp.add(new TrainableParameter(p.getKey(), p.getValue(), g));
            }
            double norm = GlobalNormClipping.totalNorm(grads);
            if (!Double.isFinite(norm) || !Double.isFinite(loss)) {
                // skip the update (like a dynamic loss scaler); give up when it keeps happening
                List<String> bad = new ArrayList<>();
                for (TrainableParameter p : tp) {
                    if (p.gradient().isNaN().any().getBoolean() || p.gradient().isInfinite().any().getBoolean()) {
                        bad.add(p.name());
                    }
                }
                for (NDArray g : grads) {
                    g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f); // not subi: NaN - NaN is NaN
                }
                skippedSteps++;
                consecutiveSkips++;
                LOG.warn("non-finite loss {} or gradient norm {} at optimizer step {}: update skipped ({} so far); "
                        + "non-finite gradients in {} parameters, first {}", loss, norm, optimizer.stepCount() + 1,
                        skippedSteps, bad.size(), bad.isEmpty() ? "-" : bad.get(0));
                if (consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
                    throw new IllegalStateException("training diverged: " + consecutiveSkips + " optimizer steps in a row "
                            + "had non-finite gradients (last loss " + loss + "); lower learning_rate or set clip_norm");
                }
                return new StepStats(loss, norm);
            }
            consecutiveSkips = 0;
            optimizer.step(tp, lr, GlobalNormClipping.scale(norm, config.clipNorm()));
            for (NDArray g : grads) {
                g.subi(g); // backward accumulates into .grad: zero it for the next step
            }
            return new StepStats(loss, norm);
        }
    }

    /** What {@link #fit} ended with. */
    public record Result(TrainState state, boolean resumed) {
    }

    /**
     * Trains up to {@code config.epochs()} epochs, checkpointing into {@code checkpoints} after
     * each. With {@code resume}, continues from the latest checkpoint (or starts fresh when there
     * is none). {@code validator} may be null (no validation, no best checkpoint).
     */
    public Result fit(ExampleSource source, Validator validator, Checkpoints checkpoints, boolean resume) {
        TrainState state = TrainState.initial(config.seed());
        boolean resumed = false;
        if (resume && checkpoints.latest() != null) {
            state = checkpoints.restore(model, optimizer);
            if (state.seed() != config.seed()) {
                throw new dev.siit.io.InputException("cannot resume: the checkpoint was trained with seed " + state.seed()
                        + ", the config says " + config.seed());
            }
            resumed = true;
            LOG.info("resumed after epoch {} (step {})", state.epoch(), state.globalStep());
        }
        int n = source.size();
        long stepsPerEpoch = (n + config.batchSize() - 1) / config.batchSize();
        LearningRateSchedule schedule = LearningRateSchedule.of(config, stepsPerEpoch * config.epochs());
        long globalStep = state.globalStep();
        while (!state.stopped() && state.epoch() < config.epochs()) {
            int epoch = state.epoch() + 1;
            long t0 = System.nanoTime();
            SplittableRandom rng = new SplittableRandom(mix(config.seed(), epoch));
            manager.getEngine().setRandomSeed((int) mix(config.seed() + 1, epoch));
            model.reseedDropout(mix(config.seed() + 1, epoch));
            List<Seq2SeqExample> examples = source.examples(epoch, rng.split());
            int[] order = permutation(examples.size(), rng);
            double lossSum = 0;
            int lossCount = 0;
            double lr = 0;
            try (ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("epoch " + epoch)
                    .setInitialMax(examples.size()).setUnit(" ex", 1).showSpeed()
                    .setStyle(ProgressBarStyle.ASCII).build() : null) {
                for (int start = 0; start < order.length; start += config.batchSize()) {
                    int end = Math.min(order.length, start + config.batchSize());
                    List<Seq2SeqExample> batch = new ArrayList<>(end - start);
                    for (int i = start; i < end; i++) {
                        batch.add(examples.get(order[i]));
                    }
                    lr = schedule.at(globalStep);
                    StepStats s = step(batch, lr);
                    globalStep++;
                    if (Double.isFinite(s.loss())) {
                        lossSum += s.loss();
                        lossCount++;
                    }
                    if (bar != null) {
                        bar.stepBy(end - start);
                        bar.setExtraMessage(String.format(" loss %.4f", lossSum / lossCount));
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> metrics = new LinkedHashMap<>();
            double best = state.bestMetric();
            int bestEpoch = state.bestEpoch();
            int without = state.evalsWithoutImprovement();
            boolean stop = false;
            boolean improved = false;
            if (validator != null && (epoch % config.evalEvery() == 0 || epoch == config.epochs())) {
                metrics.putAll(validator.validate(manager));
                Double sel = metrics.get(selectionMetric);
                if (sel == null) {
                    throw new IllegalStateException("validator returned no " + selectionMetric);
                }
                if (sel > best) {
                    best = sel;
                    bestEpoch = epoch;
                    without = 0;
                    improved = true;
                } else {
                    without++;
                    stop = config.patience() > 0 && without >= config.patience();
                }
                if (!Double.isNaN(stopTarget) && epoch >= stopMinEpoch && sel >= stopTarget) {
                    stop = true;
                }
            }
            TrainState.EpochRecord rec = new TrainState.EpochRecord(epoch, lossSum / Math.max(1, lossCount), lr,
                    seconds, n / seconds, ResidentMemory.currentMiB(), metrics);
            state = state.next(rec, globalStep, best, bestEpoch, without, stop);
            if (improved) {
                checkpoints.writeBest(model, state);
            }
            checkpoints.write(model, optimizer, state);
            LOG.info("epoch {}: loss {} lr {} {} ex/s rss {} MiB{}{}", epoch, String.format("%.4f", rec.loss()),
                    String.format("%.2e", lr), String.format("%.1f", rec.samplesPerSecond()),
                    String.format("%.0f", rec.residentMiB()), metrics.isEmpty() ? "" : " valid " + metrics,
                    stop ? " - early stop" : "");
        }
        return new Result(state, resumed);
    }

    /** A well-mixed 64-bit value of (seed, epoch), the seed of that epoch's generators. */
    static long mix(long seed, int epoch) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1))).nextLong();
    }

    private static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
