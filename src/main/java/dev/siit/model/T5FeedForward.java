package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.siit.optim.TrainableScalars;

/**
 * T5's position-wise feed-forward network without biases (HF {@code DenseReluDense}):
 * {@code wo(dropout(relu(wi x)))} for {@code relu}, or the gated form of T5 1.1 / Flan-T5
 * {@code wo(dropout(gelu_new(wi_0 x) * wi_1 x))}. Weights in the Hugging Face layout (out, in),
 * applied with {@code torch.linear}, so no transposed copy is ever made.
 */
public final class T5FeedForward extends AbstractBlock {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    /** relu: (d_ff, d); null when gated. */
    final Parameter wi;
    /** gated: (d_ff, d) each; null for relu. */
    final Parameter wi0;
    final Parameter wi1;
    /** (d, d_ff). */
    final Parameter wo;
    private final boolean gated;
    private final float dropout;
    private final DropoutNoise noise;

    T5FeedForward(T5Config config, DropoutNoise noise) {
        this.noise = noise;
        this.gated = config.gated();
        this.dropout = (float) config.dropoutRate();
        if (gated) {
            wi = null;
            wi0 = addParameter(weight("wi_0.weight"));
            wi1 = addParameter(weight("wi_1.weight"));
        } else {
            wi = addParameter(weight("wi.weight"));
            wi0 = null;
            wi1 = null;
        }
        wo = addParameter(weight("wo.weight"));
    }

    static Parameter weight(String name) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    }

    /** x (B, L, d) already layer-normed -> (B, L, d). */
    public NDArray forward(NDArray x, boolean training) {
        NDArray hidden; // (B, L, d_ff)
        if (gated) {
            hidden = geluNew(Linear.linear(x, wi0.getArray()).head()).mul(Linear.linear(x, wi1.getArray()).head());
        } else {
            hidden = Linear.linear(x, wi.getArray()).head().getNDArrayInternal().relu();
        }
        if (training && dropout > 0) {
            hidden = noise.apply(hidden, dropout);
        }
        return Linear.linear(hidden, wo.getArray()).head();
    }

    /**
     * The tanh approximation of GELU that T5 1.1 / Flan-T5 use (HF {@code gelu_new}):
     * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. DJL's gelu is the exact erf form.
     */
    static NDArray geluNew(NDArray x) {
        NDManager m = x.getManager();
        NDArray cube = x.mul(x).mul(x);
        NDArray inner = cube.mul(TrainableScalars.of(m, 0.044715f)).add(x).mul(TrainableScalars.of(m, SQRT_2_OVER_PI));
        return inner.tanh().add(1f).mul(x).mul(TrainableScalars.of(m, 0.5f));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
