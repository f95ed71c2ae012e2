package dev.siit.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * AdamW (Loshchilov and Hutter), the torch.optim.AdamW update, applied in place:
 * <pre>
 *   p <- p * (1 - lr * wd)                         (decoupled decay, decaying parameters only)
 *   m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2
 *   p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * where g is the gradient times {@code gradScale} (global-norm clipping folded in). Which
 * parameters decay is a rule given at construction: by default ({@link #decays}) not norms and
 * biases (parameters of rank 1 or whose name mentions {@code norm} or {@code bias}), as the
 * generative recommender trains; the classic baselines decay every parameter
 * ({@link #DECAY_ALL}). The moments and the step count are the state a checkpoint must keep;
 * moments are created at a parameter's first update.
 *
 * <p>The one optimiser of the toolkit: it lives in its own package, below {@code ids}, so that
 * every trainer (generative recommender, baselines) can use it without depending on another.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final BiPredicate<String, Shape> decayRule;
    private final Arithmetic arithmetic;
    private final NDManager stateManager;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>(); // name -> {m, v}
    private long step;

    /**
     * The order of the floating-point operations of the update. All compute the same AdamW step;
     * they differ in rounding only, and each is kept so that the results made with it stay
     * reproducible bit for bit (a training run amplifies last-bit differences).
     */
    public enum Arithmetic {
        /**
         * torch.optim.AdamW's order: {@code p *= 1 - lr wd}, then
         * {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)} (generative recommender).
         */
        TORCH,
        /**
         * Bias-corrected moments first: {@code p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + lr wd p}
         * (the classic baselines).
         */
        CORRECTED_MOMENTS,
        /**
         * torch.optim.AdamW's maths in ONE engine call per parameter (DJL's native {@code adamUpdate}
         * in its decoupled-decay mode): {@code p -= lr wd p}, the moments, then
         * {@code p -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps sqrt(1 - b2^t))}, which is
         * the TORCH update with both bias corrections moved into the two scalars. About 13 engine
         * ops (each a Java object and a native handle) per parameter become one call.
         */
        FUSED
    }

    /** Decay rule that decays every parameter (the baselines' choice). */
    public static final BiPredicate<String, Shape> DECAY_ALL = (name, shape) -> true;

    /** An optimiser whose moments live in a sub-manager of {@code parent}; no decay on norms and biases. */
    public AdamW(NDManager parent, double beta1, double beta2, double epsilon, double weightDecay) {
        this(parent, beta1, beta2, epsilon, weightDecay, AdamW::decays, Arithmetic.TORCH);
    }

    /**
     * @param decayRule  which parameters (name, shape) weight decay applies to
     * @param arithmetic the order of the update's floating-point operations
     */
    public AdamW(NDManager parent, double beta1, double beta2, double epsilon, double weightDecay,
                 BiPredicate<String, Shape> decayRule, Arithmetic arithmetic) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.decayRule = decayRule;
        this.arithmetic = arithmetic;
        this.stateManager = parent.newSubManager();
    }

    /** The default decay rule: weight decay applies to a parameter unless it is a norm or a bias. */
    public static boolean decays(String name, Shape shape) {
        String n = name.toLowerCase(Locale.ROOT);
        return shape.dimension() > 1 && !n.contains("norm") && !n.contains("bias");
    }

    /** Number of updates done (t in the bias corrections). */
    public long stepCount() {
        return step;
    }

    /**
     * One update of every parameter. Gradients are read, not changed.
     *
     * @param params    trainable parameters with their gradients, in a fixed order
     * @param lr        learning rate of this step
     * @param gradScale factor applied to every gradient (global-norm clipping), 1 for none
     */
    public void step(List<TrainableParameter> params, double lr, double gradScale) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        for (TrainableParameter p : params) {
            NDArray[] mv = moments.computeIfAbsent(p.name(), k -> {
                NDArray m = stateManager.zeros(p.weight().getShape(), p.weight().getDataType(), p.weight().getDevice());
                NDArray v = stateManager.zeros(p.weight().getShape(), p.weight().getDataType(), p.weight().getDevice());
                NDScope.unregister(m, v); // state outlives a scope the caller may have opened around the step
                return new NDArray[] {m, v};
            });
            if (arithmetic == Arithmetic.FUSED) {
                boolean decay = weightDecay > 0 && decayRule.test(p.name(), p.weight().getShape());
                // clip -1 = none; the native code clones the gradient, so it stays unchanged
                JniUtils.adamUpdate((PtNDArray) p.weight(), (PtNDArray) p.gradient(), (PtNDArray) mv[0], (PtNDArray) mv[1],
                        (float) lr, (float) (lr * Math.sqrt(bc2) / bc1), decay ? (float) weightDecay : 0f, (float) gradScale,
                        -1f, (float) beta1, (float) beta2, (float) (epsilon * Math.sqrt(bc2)), decay);
                continue;
            }
            // temporaries of the update die with the scope; m, v and the weight change in place
            try (NDScope scope = new NDScope()) {
                NDArray w = p.weight();
                // scalars as float: a Java double would make DJL compute in float64 and convert back
                NDArray g = gradScale == 1.0 ? p.gradient() : p.gradient().mul((float) gradScale);
                boolean decay = weightDecay > 0 && decayRule.test(p.name(), w.getShape());
                if (decay && arithmetic == Arithmetic.TORCH) {
                    w.muli((float) (1 - lr * weightDecay));
                }
                mv[0].muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                mv[1].muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
                if (arithmetic == Arithmetic.TORCH) {
                    NDArray denom = mv[1].sqrt().divi((float) Math.sqrt(bc2)).addi((float) epsilon);
                    w.subi(mv[0].div(denom).muli((float) (lr / bc1)));
                } else {
                    NDArray update = mv[0].div((float) bc1).divi(mv[1].div((float) bc2).sqrt().addi((float) epsilon))
                            .muli((float) lr);
                    if (decay) {
                        update.addi(w.mul((float) (lr * weightDecay)));
                    }
                    w.subi(update);
                }
            }
        }
    }

    /** The moments {m, v} of a parameter, or null before its first update (checkpoints, tests). */
    public NDArray[] moments(String name) {
        return moments.get(name);
    }

    /** Every parameter name with moments, in update order. */
    public List<String> names() {
        return List.copyOf(moments.keySet());
    }

    /** Restores state read from a checkpoint; the arrays are copied into this optimizer. */
    public void restore(long stepCount, Map<String, float[][]> mv, Map<String, Shape> shapes) {
        for (NDArray[] a : moments.values()) {
            a[0].close();
            a[1].close();
        }
        moments.clear();
        for (Map.Entry<String, float[][]> e : mv.entrySet()) {
            Shape s = shapes.get(e.getKey());
            NDArray m = stateManager.create(e.getValue()[0], s);
            NDArray v = stateManager.create(e.getValue()[1], s);
            NDScope.unregister(m, v);
            moments.put(e.getKey(), new NDArray[] {m, v});
        }
        this.step = stepCount;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }

    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
