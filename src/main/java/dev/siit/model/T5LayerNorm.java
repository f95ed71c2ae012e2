package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * T5's layer norm: a root-mean-square rescaling with a learned gain and no mean subtraction and
 * no bias, {@code y = x / sqrt(mean(x^2) + eps) * weight}.
 */
public final class T5LayerNorm extends AbstractBlock {
    /** (d,) gain, initialised to 1; type GAMMA so optimisers can skip weight decay on norms. */
    final Parameter weight;
    private final float epsilon;

    T5LayerNorm(float epsilon) {
        this.epsilon = epsilon;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA).build());
    }

    /** x (..., d) -> (..., d). */
    public NDArray forward(NDArray x) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true); // (..., 1)
        // sqrt + div rather than pow(-0.5): see dev.siit.optim.TrainableScalars for why no Java scalar may enter
        // an op whose backward needs it (adding one is safe: add's backward ignores its operands)
        return x.div(meanSquare.add(epsilon).sqrt()).mul(weight.getArray());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public DataType[] getOutputDataTypes() {
        return new DataType[] {DataType.FLOAT32};
    }
}
