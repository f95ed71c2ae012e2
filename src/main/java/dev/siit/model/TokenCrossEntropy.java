package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;

/**
 * Mean token cross-entropy over the response positions of a batch, the sequence-to-sequence
 * training loss.
 *
 * <p>{@link #ofLinearHead} computes it for a linear LM head without letting autograd see the
 * softmax: the gradient of cross-entropy with respect to the logits is known in closed form,
 * {@code (softmax - onehot) * mask / count}, so it is pushed straight through the head:
 * <pre>
 *   dL/dx_i = m_i / c * (sum_v p_iv w_v - w_{t_i})        (N, d)
 *   dL/dw_v = 1 / c * (sum_i m_i p_iv x_i - sum_{i: t_i = v} m_i x_i)   (V, d)
 * </pre>
 * The (N, V) probabilities are written once and read by two matrix products; autograd's route
 * writes the logits, the log-softmax, a zero-filled (N, V) gradient with the picked entries set,
 * and the log-softmax backward's (N, V) result: three more passes over the largest tensor of a
 * step (170 MB for 256 x 5 positions and T5's 33k vocabulary), which on this memory-bound
 * machine cost more than the matrix products.
 */
public final class TokenCrossEntropy {
    private TokenCrossEntropy() {
    }

    /**
     * The plain formula through autograd, the reference for {@link #ofLinearHead}.
     *
     * @param logits (B, T, V)
     * @param labels (B, T) int64
     * @param mask   (B, T) float, 1 on response tokens
     * @return scalar: mean negative log-likelihood over the masked positions
     */
    public static NDArray fromLogits(NDArray logits, NDArray labels, NDArray mask) {
        NDArray picked = logits.logSoftmax(2).gather(labels.expandDims(2), 2).squeeze(2); // (B, T)
        return picked.mul(mask).sum().neg().div(mask.sum());
    }

    /**
     * The same loss for logits {@code x w^T}, with the gradient of x and w in closed form.
     *
     * @param x      (B, T, d) LM-head input (already rescaled when the head is tied)
     * @param w      (V, d) LM-head weight
     * @param labels (B, T) int64
     * @param mask   (B, T) float, 1 on response tokens
     * @return scalar whose value is the loss and whose gradient (for x and w) is the loss's
     */
    public static NDArray ofLinearHead(NDArray x, NDArray w, NDArray labels, NDArray mask) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        NDArray x2 = x.reshape(-1, d); // (N, d)
        NDArray t = labels.reshape(-1); // (N,)
        NDArray weight = mask.reshape(-1, 1).div(mask.sum()); // (N, 1): m_i / c
        NDArray xs = x2.stopGradient();
        NDArray ws = w.stopGradient();
        NDArray p = xs.matMul(ws.transpose()).softmax(1); // (N, V), outside the graph
        NDArray gradX = p.matMul(ws).mul(weight); // (N, d): first term of dL/dx
        NDArray gradW = p.transpose().matMul(xs.mul(weight)); // (V, d): first term of dL/dw
        // a probability below the smallest float would give an infinite loss value; the
        // gradient does not use it
        NDArray picked = p.gather(t.expandDims(1), 1).clip(Float.MIN_VALUE, 1f); // (N, 1)
        NDArray value = picked.log().mul(weight).sum().neg();
        NDArray target = w.getNDArrayInternal().embedding(t, w, SparseFormat.DENSE).head(); // (N, d) = w_{t_i}
        // surrogate whose gradient is exactly dL/dx and dL/dw: the last term carries -w_{t_i}
        // into x and, through the embedding's backward, -m_i / c * x_i into row t_i of w
        NDArray surrogate = x2.mul(gradX).sum()
                .add(w.mul(gradW).sum())
                .sub(target.mul(x2).mul(weight).sum());
        return surrogate.sub(surrogate.stopGradient()).add(value);
    }
}
