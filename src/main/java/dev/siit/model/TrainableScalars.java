package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar constants that are safe inside a graph that will be differentiated.
 *
 * <p>DJL 0.36's PyTorch engine implements {@code array.mul(0.5f)} (and div, pow, ... with a
 * {@link Number}) by wrapping the number in a tensor over Java-owned memory and closing it right
 * after the op. PyTorch's autograd keeps that tensor for the backward pass ({@code d(x*c)/dx =
 * c}), so the backward later reads freed memory: we saw sporadic NaN gradients (about one step in
 * fifty) until every such constant was made with {@code full}, whose storage PyTorch owns.
 * Adding or subtracting a Java number stays safe (their backward ignores the operands).
 */
final class TrainableScalars {
    private TrainableScalars() {
    }

    /** A 0-d float32 tensor holding {@code value}, allocated by PyTorch. */
    static NDArray of(NDManager manager, float value) {
        return manager.full(new Shape(), value, DataType.FLOAT32);
    }
}
