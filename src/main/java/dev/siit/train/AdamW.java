package dev.siit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter), the torch.optim.AdamW update, applied in place:
 * <pre>
 *   p <- p * (1 - lr * wd)                         (decoupled decay, decaying parameters only)
 *   m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2
 *   p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * where g is the gradient times {@code gradScale} (global-norm clipping folded in). Weight decay
 * skips norms and biases: parameters of rank 1 or whose name mentions {@code norm} or
 * {@code bias}. The moments and the step count are the state a checkpoint must keep.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final NDManager stateManager;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>(); // name -> {m, v}
    private long step;

    public AdamW(NDManager parent, double beta1, double beta2, double epsilon, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.stateManager = parent.newSubManager();
    }

    public static AdamW of(NDManager parent, TrainConfig c) {
        return new AdamW(parent, c.beta1(), c.beta2(), c.epsilon(), c.weightDecay());
    }

    /** Whether weight decay applies to a parameter (not to norms and biases). */
    public static boolean decays(String name, Shape shape) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
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
                return new NDArray[] {m, v};
            });
            // temporaries of the update die with the scope; m, v and the weight change in place
            // scalars as float: a Java double would make DJL compute in float64 and convert back
            try (NDScope scope = new NDScope()) {
                NDArray w = p.weight();
                NDArray g = gradScale == 1.0 ? p.gradient() : p.gradient().mul((float) gradScale);
                if (weightDecay > 0 && decays(p.name(), w.getShape())) {
                    w.muli((float) (1 - lr * weightDecay));
                }
                mv[0].muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                mv[1].muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
                NDArray denom = mv[1].sqrt().divi((float) Math.sqrt(bc2)).addi((float) epsilon);
                w.subi(mv[0].div(denom).muli((float) (lr / bc1)));
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
            moments.put(e.getKey(), new NDArray[] {stateManager.create(e.getValue()[0], s),
                    stateManager.create(e.getValue()[1], s)});
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
