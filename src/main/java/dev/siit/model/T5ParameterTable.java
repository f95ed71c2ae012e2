package dev.siit.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one table from our parameters to Hugging Face T5 weight names, with each weight's shape
 * and its initialisation (Hugging Face {@code T5PreTrainedModel._init_weights}, factor =
 * {@code initializer_factor}). Loading, saving and random initialisation all walk this table,
 * in this order, so a name can never be loaded into one parameter and saved from another.
 *
 * <p>Linear weights are stored as Hugging Face does, (out, in).
 */
public final class T5ParameterTable {

    /**
     * Keys a Hugging Face checkpoint may hold as copies of a tied weight: the per-stack
     * {@code embed_tokens} (always tied to {@code shared}) and, when the embeddings are tied,
     * {@code lm_head.weight}. They are checked for shape and otherwise ignored.
     */
    static final Set<String> TIED_COPIES = Set.of("encoder.embed_tokens.weight", "decoder.embed_tokens.weight");

    /**
     * One weight.
     *
     * @param initStd standard deviation of the normal initialisation (mean 0); ignored when
     *     {@code unitGain}
     * @param unitGain a layer-norm gain, initialised to 1
     */
    public record Entry(String name, Parameter parameter, Shape shape, double initStd, boolean unitGain) {
    }

    private T5ParameterTable() {
    }

    /** Every weight of {@code model}, in a fixed order. */
    public static List<Entry> of(T5Model model) {
        T5Config c = model.config();
        double f = c.initializerFactor();
        int d = c.dModel();
        List<Entry> t = new ArrayList<>();
        t.add(new Entry("shared.weight", model.shared, new Shape(c.vocabSize(), d), f * 1.0, false));
        for (int i = 0; i < c.numLayers(); i++) {
            T5EncoderBlock b = model.encoder.encoderBlocks.get(i);
            String p = "encoder.block." + i + ".layer.";
            attention(t, p + "0.SelfAttention.", b.selfAttention, c, i == 0);
            t.add(norm(p + "0.layer_norm.weight", b.selfAttentionNorm, d));
            feedForward(t, p + "1.DenseReluDense.", b.feedForward, c);
            t.add(norm(p + "1.layer_norm.weight", b.feedForwardNorm, d));
        }
        t.add(norm("encoder.final_layer_norm.weight", model.encoder.finalLayerNorm, d));
        for (int i = 0; i < c.numDecoderLayers(); i++) {
            T5DecoderBlock b = model.decoder.decoderBlocks.get(i);
            String p = "decoder.block." + i + ".layer.";
            attention(t, p + "0.SelfAttention.", b.selfAttention, c, i == 0);
            t.add(norm(p + "0.layer_norm.weight", b.selfAttentionNorm, d));
            attention(t, p + "1.EncDecAttention.", b.crossAttention, c, false);
            t.add(norm(p + "1.layer_norm.weight", b.crossAttentionNorm, d));
            feedForward(t, p + "2.DenseReluDense.", b.feedForward, c);
            t.add(norm(p + "2.layer_norm.weight", b.feedForwardNorm, d));
        }
        t.add(norm("decoder.final_layer_norm.weight", model.decoder.finalLayerNorm, d));
        if (!c.tieWordEmbeddings()) {
            t.add(new Entry("lm_head.weight", model.lmHead, new Shape(c.vocabSize(), d), f * 1.0, false));
        }
        return t;
    }

    private static Entry norm(String name, T5LayerNorm n, int d) {
        return new Entry(name, n.weight, new Shape(d), 1.0, true);
    }

    private static void attention(List<Entry> t, String p, T5Attention a, T5Config c, boolean withBias) {
        double f = c.initializerFactor();
        int d = c.dModel();
        int inner = c.innerDim();
        // HF: q ~ N(0, (d_model * d_kv)^-0.5) absorbs the missing 1/sqrt(d_kv) of the scores
        t.add(new Entry(p + "q.weight", a.q, new Shape(inner, d), f * Math.pow((double) d * c.dKv(), -0.5), false));
        t.add(new Entry(p + "k.weight", a.k, new Shape(inner, d), f * Math.pow(d, -0.5), false));
        t.add(new Entry(p + "v.weight", a.v, new Shape(inner, d), f * Math.pow(d, -0.5), false));
        t.add(new Entry(p + "o.weight", a.o, new Shape(d, inner), f * Math.pow(inner, -0.5), false));
        if (withBias) {
            t.add(new Entry(p + "relative_attention_bias.weight", a.relativeAttentionBias,
                    new Shape(c.relativeAttentionNumBuckets(), c.numHeads()), f * Math.pow(d, -0.5), false));
        }
    }

    private static void feedForward(List<Entry> t, String p, T5FeedForward ff, T5Config c) {
        double f = c.initializerFactor();
        int d = c.dModel();
        if (c.gated()) {
            t.add(new Entry(p + "wi_0.weight", ff.wi0, new Shape(c.dFf(), d), f * Math.pow(d, -0.5), false));
            t.add(new Entry(p + "wi_1.weight", ff.wi1, new Shape(c.dFf(), d), f * Math.pow(d, -0.5), false));
        } else {
            t.add(new Entry(p + "wi.weight", ff.wi, new Shape(c.dFf(), d), f * Math.pow(d, -0.5), false));
        }
        t.add(new Entry(p + "wo.weight", ff.wo, new Shape(d, c.dFf()), f * Math.pow(c.dFf(), -0.5), false));
    }
}
