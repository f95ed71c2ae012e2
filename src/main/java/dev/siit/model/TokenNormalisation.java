package dev.siit.model;

import java.util.Locale;

/**
 * Over which tokens beam search normalises the next-token distribution.
 *
 * <p>{@link #FULL} is the model's own log-probability, log_softmax over the whole vocabulary:
 * the paper's ranking, and the default. {@link #CONSTRAINED} renormalises over the tokens the
 * constraint can ever allow (EOS and the item tokens, U of them), so the LM head computes U
 * logits per row instead of V: with T5's 33k-token vocabulary and ~1k item tokens that is the
 * largest cost of decoding gone. The two differ by log P(any allowed token) per step, which a
 * trained recommender puts close to 0 at identifier positions; how close, and whether rankings
 * change, is measured per model (docs/benchmarks.md), not assumed.
 */
public enum TokenNormalisation {
    FULL,
    CONSTRAINED;

    /** {@code full} or {@code constrained}. */
    public static TokenNormalisation parse(String name) {
        for (TokenNormalisation n : values()) {
            if (n.cliName().equals(name)) {
                return n;
            }
        }
        throw new IllegalArgumentException("normalisation must be full or constrained, got " + name);
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
