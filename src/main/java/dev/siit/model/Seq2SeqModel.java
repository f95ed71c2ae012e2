package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;

/**
 * What training and decoding need from an encoder-decoder language model (T5). Arrays returned
 * are attached to the manager of the input arrays; callers scope them.
 *
 * <p>Shapes: B batch, S encoder length, T decoder length, d model width, V vocabulary size,
 * N rows being decoded (B x beams).
 */
public interface Seq2SeqModel {

    /** The DJL block that owns every parameter (for optimisers, checkpoints, counting). */
    Block block();

    int vocabSize();

    /** Token fed as the first decoder input (T5: pad = 0). */
    int decoderStartTokenId();

    /** End of sequence (T5: 1). */
    int eosTokenId();

    /** inputIds (B, S) int32, attentionMask (B, S) 1 for tokens, 0 for padding -> hidden (B, S, d). */
    NDArray encode(NDArray inputIds, NDArray attentionMask, boolean training);

    /**
     * Teacher-forced decoding: decoderInputIds (B, T) int32 (start token, then the target shifted
     * right) -> logits (B, T, V).
     */
    NDArray decode(NDArray encoderHidden, NDArray attentionMask, NDArray decoderInputIds, boolean training);

    /**
     * Teacher-forced training loss: the mean token cross-entropy of {@link #decode}'s logits over
     * the positions where labelMask is 1. labels (B, T) int64, labelMask (B, T) float -> scalar.
     * Models may compute it without materialising what autograd would (see
     * {@link TokenCrossEntropy#ofLinearHead}); value and gradient must stay those of this default.
     */
    default NDArray responseLoss(NDArray encoderHidden, NDArray attentionMask, NDArray decoderInputIds,
                                 NDArray labels, NDArray labelMask, boolean training) {
        return TokenCrossEntropy.fromLogits(decode(encoderHidden, attentionMask, decoderInputIds, training),
                labels, labelMask);
    }

    /**
     * Restarts the model's dropout masks from {@code seed}, so that training from a checkpoint
     * draws the same masks as the uninterrupted run. Models without own dropout noise ignore it.
     */
    default void reseedDropout(long seed) {
    }

    /** Starts incremental decoding over encoderHidden (N, S, d) with attentionMask (N, S). */
    DecoderCache newCache(NDArray encoderHidden, NDArray attentionMask);

    /**
     * One decoding step with the key/value cache: tokens (N,) int32, the last token of every
     * row -> logits (N, V) for the next position. Advances the cache by one position. Must equal
     * the last position of {@link #decode} on the whole prefix.
     */
    NDArray step(DecoderCache cache, NDArray tokens);

    /**
     * {@link #step} restricted to some vocabulary columns: tokens (N,), columns (U,) int32 token
     * ids -> logits (N, U), equal to {@code step(cache, tokens)[:, columns]}. Models may compute
     * only those U logits.
     */
    default NDArray step(DecoderCache cache, NDArray tokens, NDArray columns) {
        return step(cache, tokens).get(new ai.djl.ndarray.index.NDIndex(":, {}", columns));
    }

    /** Keys and values of past decoder positions and the (projected) encoder states. */
    interface DecoderCache extends AutoCloseable {
        /** Number of decoder positions already in the cache. */
        int length();

        /**
         * Keeps rows {@code rows} (N',) int32 of every cached tensor, in that order: reorders
         * beams after a top-k, or expands B inputs to B x beams rows.
         */
        void select(NDArray rows);

        @Override
        void close();
    }
}
