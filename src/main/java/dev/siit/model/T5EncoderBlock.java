package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One encoder layer (HF {@code T5Block} in the encoder), pre-norm residual:
 * {@code x += dropout(selfAttention(norm0(x)))}, {@code x += dropout(ff(norm1(x)))}.
 */
public final class T5EncoderBlock extends AbstractBlock {
    final T5LayerNorm selfAttentionNorm; // layer.0.layer_norm
    final T5Attention selfAttention; // layer.0.SelfAttention
    final T5LayerNorm feedForwardNorm; // layer.1.layer_norm
    final T5FeedForward feedForward; // layer.1.DenseReluDense
    private final float dropout;
    private final DropoutNoise noise;

    T5EncoderBlock(T5Config config, boolean first, DropoutNoise noise) {
        this.dropout = (float) config.dropoutRate();
        this.noise = noise;
        float eps = (float) config.layerNormEpsilon();
        selfAttentionNorm = addChildBlock("selfAttentionNorm", new T5LayerNorm(eps));
        selfAttention = addChildBlock("selfAttention", new T5Attention(config, first, true, noise));
        feedForwardNorm = addChildBlock("feedForwardNorm", new T5LayerNorm(eps));
        feedForward = addChildBlock("feedForward", new T5FeedForward(config, noise));
    }

    /** x (B, S, d), bias (B, H, S, S) position bias + padding mask -> (B, S, d). */
    public NDArray forward(NDArray x, NDArray bias, boolean training) {
        NDArray h = selfAttentionNorm.forward(x);
        x = x.add(maybeDropout(noise, selfAttention.forward(h, h, bias, training), dropout, training));
        NDArray f = feedForward.forward(feedForwardNorm.forward(x), training);
        return x.add(maybeDropout(noise, f, dropout, training));
    }

    static NDArray maybeDropout(DropoutNoise noise, NDArray x, float rate, boolean training) {
        return training && rate > 0 ? noise.apply(x, rate) : x;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.get(0), inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
