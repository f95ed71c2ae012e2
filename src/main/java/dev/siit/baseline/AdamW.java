package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter), written out so that its moments can be
 * checkpointed and a resumed run continues exactly where it stopped:
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps) + lr wd w.
 */
public final class AdamW {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final double learningRate;
    private final double weightDecay;
    private final List<NDArray> weights;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long step;

    public AdamW(ModelWeights model, double learningRate, double weightDecay) {
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.weights = new ArrayList<>(model.all().values());
        NDManager manager = model.manager();
        for (NDArray w : weights) {
            m.add(manager.zeros(w.getShape()));
            v.add(manager.zeros(w.getShape()));
        }
    }

    /** One update from the gradients left by the last backward pass; call inside an NDScope. */
    public void step() {
        step++;
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (int i = 0; i < weights.size(); i++) {
            NDArray w = weights.get(i);
            NDArray g = w.getGradient();
            m.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
            v.get(i).muli(BETA2).addi(g.square().muli(1 - BETA2));
            NDArray update = m.get(i).div(c1).divi(v.get(i).div(c2).sqrt().addi(EPS)).muli(learningRate);
            if (weightDecay > 0) {
                update.addi(w.mul(learningRate * weightDecay));
            }
            w.subi(update);
            g.subi(g); // gradients accumulate across backward passes in PyTorch: clear them for the next step
        }
    }

    public long stepCount() {
        return step;
    }

    /** First and second moments, in weight order (for checkpoints). */
    public List<float[]> moments() {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            out.add(m.get(i).toFloatArray());
            out.add(v.get(i).toFloatArray());
        }
        return out;
    }

    public void restore(long stepCount, List<float[]> moments) {
        if (moments.size() != 2 * weights.size()) {
            throw new IllegalArgumentException(moments.size() + " moment tensors for " + weights.size() + " weights");
        }
        this.step = stepCount;
        NDManager manager = weights.get(0).getManager();
        for (int i = 0; i < weights.size(); i++) {
            m.get(i).close();
            v.get(i).close();
            m.set(i, manager.create(moments.get(2 * i), weights.get(i).getShape()));
            v.set(i, manager.create(moments.get(2 * i + 1), weights.get(i).getShape()));
        }
    }
}
