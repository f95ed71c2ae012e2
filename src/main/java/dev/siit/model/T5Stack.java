package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoder or the decoder of T5: a list of layers and a final layer norm. The relative
 * position bias is computed once per forward with the table of the first layer and shared by
 * all layers (as in Hugging Face, where block 0 returns it to the others); the masks are folded
 * into the same additive bias once, so each layer does a single add on its scores.
 */
public final class T5Stack extends AbstractBlock {
    /** Large negative score for masked keys: not -inf, so a fully padded row stays finite. */
    static final float MASKED = -1e9f;

    final List<T5EncoderBlock> encoderBlocks = new ArrayList<>();
    final List<T5DecoderBlock> decoderBlocks = new ArrayList<>();
    final T5LayerNorm finalLayerNorm;
    private final boolean decoder;
    private final float dropout;

    private final DropoutNoise noise;

    private T5Stack(T5Config config, boolean decoder, DropoutNoise noise) {
        this.decoder = decoder;
        this.dropout = (float) config.dropoutRate();
        this.noise = noise;
        if (decoder) {
            for (int i = 0; i < config.numDecoderLayers(); i++) {
                decoderBlocks.add(addChildBlock("block" + i, new T5DecoderBlock(config, i == 0, noise)));
            }
        } else {
            for (int i = 0; i < config.numLayers(); i++) {
                encoderBlocks.add(addChildBlock("block" + i, new T5EncoderBlock(config, i == 0, noise)));
            }
        }
        finalLayerNorm = addChildBlock("finalLayerNorm", new T5LayerNorm((float) config.layerNormEpsilon()));
    }

    static T5Stack encoder(T5Config config, DropoutNoise noise) {
        return new T5Stack(config, false, noise);
    }

    static T5Stack decoder(T5Config config, DropoutNoise noise) {
        return new T5Stack(config, true, noise);
    }

    public boolean isDecoder() {
        return decoder;
    }

    public int numLayers() {
        return decoder ? decoderBlocks.size() : encoderBlocks.size();
    }

    /** attentionMask (B, S) 1 = token, 0 = padding -> additive key mask (B, 1, 1, S): 0 or MASKED. */
    static NDArray keyMaskBias(NDArray attentionMask) {
        Shape s = attentionMask.getShape();
        NDArray bias = attentionMask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).sub(1f).mul(-MASKED);
        return bias.reshape(s.get(0), 1, 1, s.get(1));
    }

    /** Causal mask (1, 1, T, T): 0 on and below the diagonal, MASKED above. */
    static NDArray causalMaskBias(NDManager manager, int length) {
        float[] m = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                m[i * length + j] = MASKED;
            }
        }
        return manager.create(m, new Shape(1, 1, length, length));
    }

    /** Encoder: embedded (B, S, d), keyMask (B, 1, 1, S) -> hidden (B, S, d). */
    NDArray encode(NDArray embedded, NDArray keyMask, boolean training) {
        int s = (int) embedded.getShape().get(1);
        NDArray bias = encoderBlocks.get(0).selfAttention.positionBias(embedded.getManager(), s, s, 0)
                .add(keyMask); // (B, H, S, S)
        NDArray x = T5EncoderBlock.maybeDropout(noise, embedded, dropout, training);
        for (T5EncoderBlock block : encoderBlocks) {
            x = block.forward(x, bias, training);
        }
        return T5EncoderBlock.maybeDropout(noise, finalLayerNorm.forward(x), dropout, training);
    }

    /**
     * Teacher-forced decoder: embedded (B, T, d), memory (B, S, d), crossKeyMask (B, 1, 1, S)
     * -> hidden (B, T, d) after the final norm (and dropout when training).
     */
    NDArray decode(NDArray embedded, NDArray memory, NDArray crossKeyMask, boolean training) {
        int t = (int) embedded.getShape().get(1);
        NDManager m = embedded.getManager();
        NDArray selfBias = decoderBlocks.get(0).selfAttention.positionBias(m, t, t, 0)
                .add(causalMaskBias(m, t)); // (1, H, T, T)
        NDArray y = T5EncoderBlock.maybeDropout(noise, embedded, dropout, training);
        for (T5DecoderBlock block : decoderBlocks) {
            y = block.forward(y, memory, selfBias, crossKeyMask, training);
        }
        return T5EncoderBlock.maybeDropout(noise, finalLayerNorm.forward(y), dropout, training);
    }

    /** One cached decoder position: embedded (N, 1, d) -> hidden (N, 1, d) after the final norm. */
    NDArray step(NDArray embedded, T5DecoderCache cache) {
        int t = cache.length();
        // queries at position t against keys 0..t: no causal mask needed, nothing lies ahead
        NDArray selfBias = decoderBlocks.get(0).selfAttention.positionBias(embedded.getManager(), 1, t + 1, t); // (1, H, 1, t+1)
        NDArray y = embedded;
        for (int i = 0; i < decoderBlocks.size(); i++) {
            y = decoderBlocks.get(i).step(y, cache.layer(i), selfBias);
        }
        return finalLayerNorm.forward(y);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // encoder: (embedded, keyMask); decoder: (embedded, memory, crossKeyMask)
        if (decoder) {
            return new NDList(decode(inputs.get(0), inputs.get(1), inputs.get(2), training));
        }
        return new NDList(encode(inputs.get(0), inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
