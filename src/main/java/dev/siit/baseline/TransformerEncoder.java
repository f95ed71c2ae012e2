package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import dev.siit.optim.TrainableScalars;

/**
 * A stack of pre-norm transformer blocks shared by SASRec (causal mask) and BERT4Rec (padding
 * mask): x = x + Drop(MHA(LN(x))); x = x + Drop(W2 act(W1 LN(x) + b1) + b2); a final LN.
 * Weights are named {@code prefix.l{i}.*}.
 */
final class TransformerEncoder {
    private final int layers;
    private final int dModel;
    private final int heads;
    private final float dropout;
    private final float attentionDropout;
    private final boolean gelu;
    private final ModelWeights w;
    private final String prefix;

    TransformerEncoder(ModelWeights w, String prefix, int layers, int dModel, int heads, int inner,
                       double dropout, double attentionDropout, boolean gelu, double initStd) {
        this.w = w;
        this.prefix = prefix;
        this.layers = layers;
        this.dModel = dModel;
        this.heads = heads;
        this.dropout = (float) dropout;
        this.attentionDropout = (float) attentionDropout;
        this.gelu = gelu;
        for (int l = 0; l < layers; l++) {
            String p = prefix + ".l" + l + ".";
            w.constant(p + "ln1.gamma", 1f, dModel);
            w.constant(p + "ln1.beta", 0f, dModel);
            for (String proj : new String[] {"q", "k", "v", "o"}) {
                w.normal(p + proj + ".weight", initStd, dModel, dModel); // (out, in)
                w.constant(p + proj + ".bias", 0f, dModel);
            }
            w.constant(p + "ln2.gamma", 1f, dModel);
            w.constant(p + "ln2.beta", 0f, dModel);
            w.normal(p + "ff1.weight", initStd, inner, dModel);
            w.constant(p + "ff1.bias", 0f, inner);
            w.normal(p + "ff2.weight", initStd, dModel, inner);
            w.constant(p + "ff2.bias", 0f, dModel);
        }
        w.constant(prefix + ".lnf.gamma", 1f, dModel);
        w.constant(prefix + ".lnf.beta", 0f, dModel);
    }

    /**
     * @param x    (B, L, d) input embeddings
     * @param mask additive attention mask broadcastable to (B, heads, L, L)
     * @return (B, L, d)
     */
    NDArray forward(NDArray x, NDArray mask, boolean training) {
        for (int l = 0; l < layers; l++) {
            String p = prefix + ".l" + l + ".";
            NDArray h = norm(x, p + "ln1");
            x = x.add(drop(attention(h, mask, p, training), dropout, training));
            h = norm(x, p + "ln2");
            NDArray f = Linear.linear(h, w.get(p + "ff1.weight"), w.get(p + "ff1.bias")).singletonOrThrow();
            f = gelu ? Activation.gelu(f) : Activation.relu(f);
            f = Linear.linear(drop(f, dropout, training), w.get(p + "ff2.weight"), w.get(p + "ff2.bias")).singletonOrThrow();
            x = x.add(drop(f, dropout, training));
        }
        return norm(x, prefix + ".lnf");
    }

    private NDArray attention(NDArray h, NDArray mask, String p, boolean training) {
        long b = h.getShape().get(0);
        long len = h.getShape().get(1);
        int dk = dModel / heads;
        NDArray q = split(Linear.linear(h, w.get(p + "q.weight"), w.get(p + "q.bias")).singletonOrThrow(), b, len, dk);
        NDArray k = split(Linear.linear(h, w.get(p + "k.weight"), w.get(p + "k.bias")).singletonOrThrow(), b, len, dk);
        NDArray v = split(Linear.linear(h, w.get(p + "v.weight"), w.get(p + "v.bias")).singletonOrThrow(), b, len, dk);
        // sqrt(dk) as an engine-owned tensor, never x.div(Number): see TrainableScalars (a GC before
        // backward gave garbage or NaN gradients, BERT4Rec on ml-100k). Dividing (not multiplying by
        // 1/sqrt(dk)) keeps the results bit for bit those of before the fix.
        NDArray scale = TrainableScalars.of(h.getManager(), (float) Math.sqrt(dk));
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(scale).add(mask); // (B, h, L, L)
        NDArray probs = drop(scores.softmax(-1), attentionDropout, training);
        NDArray ctx = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, len, dModel); // (B, L, d)
        return Linear.linear(ctx, w.get(p + "o.weight"), w.get(p + "o.bias")).singletonOrThrow();
    }

    /** (B, L, d) -> (B, heads, L, dk) */
    private NDArray split(NDArray x, long b, long len, int dk) {
        return x.reshape(b, len, heads, dk).transpose(0, 2, 1, 3);
    }

    private NDArray norm(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(dModel), w.get(name + ".gamma"), w.get(name + ".beta"), 1e-8f)
                .singletonOrThrow();
    }

    static NDArray drop(NDArray x, float rate, boolean training) {
        if (!training || rate == 0f) {
            return x;
        }
        return Dropout.dropout(x, rate, true).singletonOrThrow();
    }
}
