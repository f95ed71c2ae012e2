package dev.siit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.List;

/**
 * Clipping by the global norm over all parameters, as torch.nn.utils.clip_grad_norm_: the norm
 * is sqrt(sum over all gradients of their squared entries); when it exceeds {@code maxNorm},
 * every gradient is scaled by maxNorm / (norm + 1e-6). DJL's optClipGrad clips each entry
 * separately, which changes the gradient's direction; this keeps it.
 */
public final class GlobalNormClipping {
    private GlobalNormClipping() {
    }

    /** The global L2 norm of the gradients (one value moved to Java). */
    public static double totalNorm(List<NDArray> gradients) {
        if (gradients.isEmpty()) {
            return 0;
        }
        try (NDScope scope = new NDScope()) {
            NDList squares = new NDList(gradients.size());
            for (NDArray g : gradients) {
                squares.add(g.square().sum());
            }
            return Math.sqrt(NDArrays.stack(squares).sum().getFloat());
        }
    }

    /** The factor to multiply every gradient by; 1 when {@code maxNorm} is 0 (no clipping) or not exceeded. */
    public static double scale(double totalNorm, double maxNorm) {
        if (maxNorm <= 0) {
            return 1.0;
        }
        return Math.min(1.0, maxNorm / (totalNorm + 1e-6));
    }
}
