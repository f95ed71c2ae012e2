package dev.siit.ids.rqvae;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.siit.ids.KMeans;
import dev.siit.optim.TrainableScalars;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an {@link RqVae} on item embeddings and returns the item codes of the evaluation with
 * the lowest collision rate (LETTER keeps that checkpoint).
 *
 * <p>Loss per batch (all terms means over the batch):
 * <pre>
 *   L = ||x - dec(z_hat)||^2
 *     + mean_l ( ||E_l[t_l] - sg(r_l)||^2 + commitment * ||r_l - sg(E_l[t_l])||^2 )
 *     + alpha * InfoNCE(z_hat, h)                      (LETTER collaborative regulariser)
 *     + beta  * mean_l CE(E_l[t_l] E_l^T, t_l^+)       (LETTER diversity regulariser)
 * </pre>
 * InfoNCE: in-batch, inner product / temperature between the (projected, when the SASRec
 * dimension differs from D) quantised embedding and the item's SASRec embedding h, the item's
 * own h being the positive. Diversity: each epoch every codebook is split into K groups by
 * size-constrained k-means; t_l^+ is a random other code of t_l's group.
 * Codebooks are initialised by k-means on the residuals of the first batch.
 */
public final class RqVaeTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(RqVaeTrainer.class);
    private static final int EVAL_CHUNK = 4096;

    private RqVaeTrainer() {
    }

    /**
     * @param codes          codes[i][l] of item i at level l, from the best evaluation
     * @param lastResiduals  (n, D) residual quantised by the last level, for Sinkhorn
     * @param lastCodebook   (K, D) last codebook at the best evaluation
     * @param bestEpoch      epoch of the best evaluation (1-based)
     * @param collisionRate  collision rate of the best evaluation
     * @param reconstruction mean squared reconstruction error over all items at the best evaluation
     * @param history        one line per evaluation
     */
    public record Result(int[][] codes, float[][] lastResiduals, float[][] lastCodebook, int bestEpoch,
                         double collisionRate, double reconstruction, List<String> history) {
    }

    /** Trains on x (n, in) with optional collaborative embeddings cf (n, cfDim). */
    public static Result train(float[][] x, float[][] cf, RqVaeConfig c, Device device, long seed, boolean progress) {
        int n = x.length;
        int in = x[0].length;
        if (c.alpha() > 0 && cf == null) {
            throw new IllegalArgumentException("alpha > 0 needs collaborative embeddings");
        }
        // The model is small (matrices of at most 1024 x 512): with 2 intra-op threads every op
        // waits for a second thread, which on a shared 2-core machine costs more than it saves.
        boolean torch = "PyTorch".equals(Engine.getInstance().getEngineName());
        int threads = torch ? JniUtils.getNumThreads() : -1;
        if (torch) {
            JniUtils.setNumThreads(1);
        }
        try {
            return trainOn(x, cf, c, device, seed, progress);
        } finally {
            if (torch) {
                JniUtils.setNumThreads(threads);
            }
        }
    }

    private static Result trainOn(float[][] x, float[][] cf, RqVaeConfig c, Device device, long seed, boolean progress) {
        int n = x.length;
        int in = x[0].length;
        SplittableRandom rnd = new SplittableRandom(seed);
        int batch = Math.min(c.batchSize(), n);
        try (NDManager base = NDManager.newBaseManager(device)) {
            RqVae model = new RqVae(base.newSubManager(), in, c.hidden(), c.codeDim(), c.levels(), c.codebookSize(),
                    c.alpha() > 0 ? cf[0].length : 0, rnd.split());
            int[] perm = permutation(n, rnd);
            initCodebooks(model, base, rows(x, perm, 0, batch), rnd.split());
            Optimizer opt = AdamW.builder().optLearningRateTracker(Tracker.fixed((float) c.lr()))
                    .optWeightDecays((float) c.weightDecay()).build();
            Result best = null;
            List<String> history = new ArrayList<>();
            try (ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("rq-vae").setInitialMax(c.epochs())
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" ep", 1).showSpeed().build() : null) {
                for (int epoch = 1; epoch <= c.epochs(); epoch++) {
                    int[][][] groups = c.beta() > 0 ? diversityGroups(model, c.diversityGroups(), rnd.split()) : null;
                    if (epoch > 1) {
                        perm = permutation(n, rnd);
                    }
                    double lossSum = 0;
                    int steps = 0;
                    for (int from = 0; from < n; from += batch) {
                        int to = Math.min(n, from + batch);
                        lossSum += step(model, base, opt, c, x, cf, perm, from, to, groups, rnd);
                        steps++;
                    }
                    if (epoch % c.evalEvery() == 0 || epoch == c.epochs()) {
                        Result r = evaluate(model, base, x, epoch);
                        String line = String.format(Locale.ROOT, "epoch %d loss %.5f recon %.5f collisions %.4f",
                                epoch, lossSum / steps, r.reconstruction(), r.collisionRate());
                        history.add(line);
                        LOG.debug(line);
                        if (best == null || r.collisionRate() < best.collisionRate()) {
                            best = r;
                        }
                        if (bar != null) {
                            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f coll %.4f", lossSum / steps,
                                    r.collisionRate()));
                        }
                    }
                    if (bar != null) {
                        bar.step();
                    }
                }
            }
            LOG.info("rq-vae: best collision rate {} at epoch {} (reconstruction {})",
                    String.format(Locale.ROOT, "%.4f", best.collisionRate()), best.bestEpoch(),
                    String.format(Locale.ROOT, "%.5f", best.reconstruction()));
            return new Result(best.codes(), best.lastResiduals(), best.lastCodebook(), best.bestEpoch(),
                    best.collisionRate(), best.reconstruction(), List.copyOf(history));
        }
    }

    /** One optimiser step on items perm[from..to); returns the batch loss. */
    private static double step(RqVae model, NDManager base, Optimizer opt, RqVaeConfig c, float[][] x, float[][] cf,
                               int[] perm, int from, int to, int[][][] groups, SplittableRandom rnd) {
        int b = to - from;
        double lossValue;
        try (NDScope scope = new NDScope(); NDManager sm = base.newSubManager()) {
            NDArray xb = sm.create(flat(x, perm, from, to), new Shape(b, x[0].length)); // (B, in)
            // every constant of the loss is engine-owned (TrainableScalars): a Java number here
            // gave NaN gradients whenever the garbage collector ran between forward and backward
            NDArray two = TrainableScalars.of(sm, 2f);
            NDArray commitment = TrainableScalars.of(sm, (float) c.commitment());
            NDArray levels = TrainableScalars.of(sm, model.levels());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray z = model.encode(xb); // (B, D)
                RqVae.Quantized q = model.quantize(z);
                NDArray loss = model.decode(q.zHat()).sub(xb).pow(two).mean();
                NDArray quant = null;
                for (int l = 0; l < model.levels(); l++) {
                    NDArray e = q.chosen()[l];
                    NDArray r = q.residuals()[l];
                    NDArray term = e.sub(r.stopGradient()).pow(two).mean()
                            .add(r.sub(e.stopGradient()).pow(two).mean().mul(commitment));
                    quant = quant == null ? term : quant.add(term);
                }
                loss = loss.add(quant.div(levels));
                if (c.alpha() > 0) {
                    NDArray h = sm.create(flat(cf, perm, from, to), new Shape(b, cf[0].length)); // (B, cfDim)
                    NDArray zq = model.cfProjection() == null ? q.zHat() : q.zHat().matMul(model.cfProjection());
                    loss = loss.add(infoNce(zq, h, c.temperature()).mul(TrainableScalars.of(sm, (float) c.alpha())));
                }
                if (groups != null) {
                    NDArray div = null;
                    for (int l = 0; l < model.levels(); l++) {
                        long[] codes = q.codes()[l].toLongArray();
                        int[] pos = new int[b];
                        for (int i = 0; i < b; i++) {
                            pos[i] = randomOtherMember(groups[l], (int) codes[i], rnd);
                        }
                        NDArray logits = q.chosen()[l].matMul(model.codebook(l).transpose()); // (B, K)
                        NDArray target = sm.create(pos).oneHot(model.codebookSize()); // (B, K)
                        NDArray ce = logits.logSoftmax(1).mul(target).sum(new int[] {1}).mean().neg();
                        div = div == null ? ce : div.add(ce);
                    }
                    loss = loss.add(div.div(levels).mul(TrainableScalars.of(sm, (float) c.beta())));
                }
                gc.backward(loss);
                lossValue = loss.getFloat();
            }
        }
        for (RqVae.Named p : model.parameters()) {
            try (NDArray g = p.array().getGradient()) {
                opt.update(p.name(), p.array(), g);
                g.muli(0f); // PyTorch accumulates gradients and DJL's collector does not zero them
            }
        }
        return lossValue;
    }

    /**
     * In-batch InfoNCE: row i of a (B, d) should match row i of h (B, d) among all rows of h.
     * Similarity = inner product / temperature, unnormalised as in LETTER's {@code CF_loss}.
     */
    static NDArray infoNce(NDArray a, NDArray h, double temperature) {
        NDArray logits = a.matMul(h.transpose()).div(TrainableScalars.of(a.getManager(), (float) temperature)); // (B, B)
        long b = a.getShape().get(0);
        NDArray eye = a.getManager().eye((int) b);
        return logits.logSoftmax(1).mul(eye).sum(new int[] {1}).mean().neg();
    }

    private static int randomOtherMember(int[][] groupsOfLevel, int code, SplittableRandom rnd) {
        int[] members = groupsOfLevel[code];
        if (members.length <= 1) {
            return code;
        }
        int pick = members[rnd.nextInt(members.length - 1)];
        return pick == code ? members[members.length - 1] : pick; // uniform over the other members
    }

    /**
     * groups[l][c] = the codes of level l in the same constrained-k-means group as code c
     * (c's own group, c included).
     */
    private static int[][][] diversityGroups(RqVae model, int k, SplittableRandom rnd) {
        int[][][] out = new int[model.levels()][][];
        for (int l = 0; l < model.levels(); l++) {
            double[][] codes = toDouble(model.codebook(l).toFloatArray(), model.codebookSize());
            KMeans km = KMeans.balanced(codes, k, 20, rnd.split());
            Map<Integer, List<Integer>> members = new HashMap<>();
            for (int c = 0; c < codes.length; c++) {
                members.computeIfAbsent(km.labels()[c], g -> new ArrayList<>()).add(c);
            }
            out[l] = new int[codes.length][];
            for (int c = 0; c < codes.length; c++) {
                out[l][c] = members.get(km.labels()[c]).stream().mapToInt(Integer::intValue).toArray();
            }
        }
        return out;
    }

    /** k-means of the first batch's residuals, level by level (TIGER/LETTER kmeans_init). */
    private static void initCodebooks(RqVae model, NDManager base, float[][] first, SplittableRandom rnd) {
        int k = model.codebookSize();
        try (NDScope scope = new NDScope(); NDManager sm = base.newSubManager()) {
            NDArray r = model.encode(sm.create(flat(first), new Shape(first.length, first[0].length)));
            for (int l = 0; l < model.levels(); l++) {
                int dim = (int) r.getShape().get(1);
                double[][] pts = toDouble(r.toFloatArray(), first.length);
                KMeans km = KMeans.fit(pts, Math.min(k, pts.length), 1, 100, rnd.split());
                float[][] codes = new float[k][dim];
                for (int c = 0; c < k; c++) {
                    // fewer points than codes (tiny data): extra codes copy a random point plus noise
                    double[] src = c < km.centroids().length ? km.centroids()[c] : pts[rnd.nextInt(pts.length)];
                    for (int d = 0; d < dim; d++) {
                        codes[c][d] = (float) (src[d] + (c < km.centroids().length ? 0 : 1e-3 * rnd.nextGaussian()));
                    }
                }
                model.setCodebook(l, codes);
                NDArray chosen = model.distances(r, l).argMin(1).oneHot(k).matMul(model.codebook(l));
                r = r.sub(chosen);
            }
        }
    }

    /** Codes, last residuals and reconstruction error of every item under the current parameters. */
    static Result evaluate(RqVae model, NDManager base, float[][] x, int epoch) {
        int n = x.length;
        int levels = model.levels();
        int[][] codes = new int[n][levels];
        float[][] last = new float[n][];
        double sq = 0;
        float[][] lastCodebook;
        try (NDScope scope = new NDScope(); NDManager sm = base.newSubManager()) {
            for (int from = 0; from < n; from += EVAL_CHUNK) {
                int to = Math.min(n, from + EVAL_CHUNK);
                NDArray xb = sm.create(flat(x, null, from, to), new Shape(to - from, x[0].length));
                RqVae.Quantized q = model.quantize(model.encode(xb));
                for (int l = 0; l < levels; l++) {
                    long[] c = q.codes()[l].toLongArray();
                    for (int i = 0; i < c.length; i++) {
                        codes[from + i][l] = (int) c[i];
                    }
                }
                NDArray rl = q.residuals()[levels - 1];
                int dim = (int) rl.getShape().get(1);
                float[] rf = rl.toFloatArray();
                for (int i = 0; i < to - from; i++) {
                    last[from + i] = Arrays.copyOfRange(rf, i * dim, (i + 1) * dim);
                }
                sq += model.decode(q.zHat()).sub(xb).pow(2).sum().getFloat();
            }
            float[] cb = model.codebook(levels - 1).toFloatArray();
            int dim = cb.length / model.codebookSize();
            lastCodebook = new float[model.codebookSize()][];
            for (int c = 0; c < model.codebookSize(); c++) {
                lastCodebook[c] = Arrays.copyOfRange(cb, c * dim, (c + 1) * dim);
            }
        }
        return new Result(codes, last, lastCodebook, epoch, collisionRate(codes), sq / ((double) n * x[0].length), List.of());
    }

    /** Share of items whose code tuple another item also has. */
    public static double collisionRate(int[][] codes) {
        Map<String, Integer> count = new HashMap<>();
        for (int[] c : codes) {
            count.merge(Arrays.toString(c), 1, Integer::sum);
        }
        int colliding = 0;
        for (int[] c : codes) {
            if (count.get(Arrays.toString(c)) > 1) {
                colliding++;
            }
        }
        return (double) colliding / codes.length;
    }

    static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static float[][] rows(float[][] x, int[] perm, int from, int to) {
        float[][] out = new float[to - from][];
        for (int i = from; i < to; i++) {
            out[i - from] = x[perm[i]];
        }
        return out;
    }

    private static float[] flat(float[][] x) {
        return flat(x, null, 0, x.length);
    }

    /** Rows perm[from..to) (or from..to when perm is null) of x, row-major. */
    private static float[] flat(float[][] x, int[] perm, int from, int to) {
        int dim = x[0].length;
        float[] out = new float[(to - from) * dim];
        for (int i = from; i < to; i++) {
            System.arraycopy(x[perm == null ? i : perm[i]], 0, out, (i - from) * dim, dim);
        }
        return out;
    }

    private static double[][] toDouble(float[] flat, int rows) {
        int dim = flat.length / rows;
        double[][] out = new double[rows][dim];
        for (int i = 0; i < rows; i++) {
            for (int d = 0; d < dim; d++) {
                out[i][d] = flat[i * dim + d];
            }
        }
        return out;
    }
}
