package dev.siit.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar constants that are safe inside a graph that will be differentiated.
 *
 * <p>DJL 0.36's PyTorch engine implements {@code array.mul(0.5f)} (and div, pow, maximum, ...
 * with a {@link Number}) by wrapping the number in a tensor over a Java direct buffer and closing
 * it right after the op. PyTorch's autograd keeps that tensor for the backward pass
 * ({@code d(x*c)/dx = c}), so when the garbage collector frees the buffer before backward, the
 * gradient is computed from whatever memory took its place: sporadic NaN or garbage gradients,
 * more often the more the JVM collects. {@code full} makes a tensor whose storage PyTorch owns,
 * which the saved graph keeps alive. Adding or subtracting a Java number stays safe (their
 * backward ignores the operands); so does any Number arithmetic where no operand needs a gradient.
 *
 * <p>Every trainer of the toolkit (T5, the baselines, the RQ-VAE) takes its constants from here;
 * {@code TrainableScalarsTest} reproduces the failure with Java numbers under a collecting thread.
 */
public final class TrainableScalars {
    private TrainableScalars() {
    }

    /** A 0-d float32 tensor holding {@code value}, allocated by PyTorch. */
    public static NDArray of(NDManager manager, float value) {
        return manager.full(new Shape(), value, DataType.FLOAT32);
    }
}
