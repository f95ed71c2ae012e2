package dev.siit.train;

/**
 * The unit of training: a prompt and the response the decoder must produce, as token ids.
 * {@code targetIds} ends with EOS (identifier tokens + EOS for recommendation).
 */
public record Seq2SeqExample(int[] inputIds, int[] targetIds) {
    public Seq2SeqExample {
        if (inputIds.length == 0 || targetIds.length == 0) {
            throw new IllegalArgumentException("empty prompt or target");
        }
    }
}
