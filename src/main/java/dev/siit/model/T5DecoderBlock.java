package dev.siit.model;

import static dev.siit.model.T5EncoderBlock.maybeDropout;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One decoder layer (HF {@code T5Block} in the decoder): causal self-attention, cross-attention
 * over the encoder output, feed-forward; each pre-normed with a residual connection.
 */
public final class T5DecoderBlock extends AbstractBlock {
    final T5LayerNorm selfAttentionNorm; // layer.0.layer_norm
    final T5Attention selfAttention; // layer.0.SelfAttention
    final T5LayerNorm crossAttentionNorm; // layer.1.layer_norm
    final T5Attention crossAttention; // layer.1.EncDecAttention
    final T5LayerNorm feedForwardNorm; // layer.2.layer_norm
    final T5FeedForward feedForward; // layer.2.DenseReluDense
    private final float dropout;
    private final DropoutNoise noise;

    T5DecoderBlock(T5Config config, boolean first, DropoutNoise noise) {
        this.dropout = (float) config.dropoutRate();
        this.noise = noise;
        float eps = (float) config.layerNormEpsilon();
        selfAttentionNorm = addChildBlock("selfAttentionNorm", new T5LayerNorm(eps));
        selfAttention = addChildBlock("selfAttention", new T5Attention(config, first, false, noise));
        crossAttentionNorm = addChildBlock("crossAttentionNorm", new T5LayerNorm(eps));
        crossAttention = addChildBlock("crossAttention", new T5Attention(config, false, false, noise));
        feedForwardNorm = addChildBlock("feedForwardNorm", new T5LayerNorm(eps));
        feedForward = addChildBlock("feedForward", new T5FeedForward(config, noise));
    }

    /**
     * Teacher-forced. y (B, T, d), memory (B, S, d) encoder output, selfBias (1, H, T, T)
     * position bias + causal mask, crossBias (B, 1, 1, S) padding mask -> (B, T, d).
     */
    public NDArray forward(NDArray y, NDArray memory, NDArray selfBias, NDArray crossBias, boolean training) {
        NDArray h = selfAttentionNorm.forward(y);
        y = y.add(maybeDropout(noise, selfAttention.forward(h, h, selfBias, training), dropout, training));
        h = crossAttentionNorm.forward(y);
        y = y.add(maybeDropout(noise, crossAttention.forward(h, memory, crossBias, training), dropout, training));
        NDArray f = feedForward.forward(feedForwardNorm.forward(y), training);
        return y.add(maybeDropout(noise, f, dropout, training));
    }

    /**
     * One incremental position with the key/value cache. y (N, 1, d); {@code layer} holds this
     * layer's self-attention keys/values of the t past positions (N, H, t, d_kv) and the projected
     * encoder keys/values (M, H, S, d_kv) shared by the beams of an input; it is extended by this
     * position. selfBias (1, H, 1, t+1) -> (N, 1, d).
     */
    NDArray step(NDArray y, T5DecoderCache.LayerState layer, NDArray selfBias) {
        NDArray h = selfAttentionNorm.forward(y); // (N, 1, d)
        layer.append(selfAttention.keys(h), selfAttention.values(h)); // now (N, H, t+1, d_kv)
        y = y.add(selfAttention.attendOneQuery(selfAttention.queries(h), layer.selfKeys, layer.selfValues, selfBias));
        h = crossAttentionNorm.forward(y);
        y = y.add(layer.crossAttend(crossAttention, crossAttention.queries(h)));
        return y.add(feedForward.forward(feedForwardNorm.forward(y), false));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.get(0), inputs.get(1), inputs.get(2), inputs.get(3), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
