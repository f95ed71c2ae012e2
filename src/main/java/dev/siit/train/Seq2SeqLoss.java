package dev.siit.train;

import ai.djl.ndarray.NDArray;

/** Token-level cross-entropy on response tokens only. */
public final class Seq2SeqLoss {
    private Seq2SeqLoss() {
    }

    /**
     * Mean negative log-likelihood over the positions where {@code mask} is 1.
     *
     * @param logits (B, T, V)
     * @param labels (B, T) int64
     * @param mask   (B, T) float, 1 on response tokens
     * @return scalar
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, NDArray mask) {
        NDArray picked = logits.logSoftmax(2).gather(labels.expandDims(2), 2).squeeze(2); // (B, T)
        return picked.mul(mask).sum().neg().div(mask.sum());
    }
}
