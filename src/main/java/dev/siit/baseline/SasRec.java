package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * SASRec (Kang & McAuley, ICDM 2018): item + learned position embeddings, causal self-attention
 * blocks with point-wise feed-forward layers, layer norm and dropout; an item's score is the inner
 * product of the last hidden state with its (shared) input embedding.
 */
final class SasRec extends CausalSequenceModel {
    private final NDArray itemEmbedding;     // (I + 1, d), row 0 = padding
    private final NDArray positionEmbedding; // (H, d)
    private final TransformerEncoder encoder;

    SasRec(BaselineConfig c, int numItems, ModelWeights w) {
        super(c, numItems, w);
        itemEmbedding = w.normal("item_embedding", 0.02, numItems + 1, c.hiddenSize());
        positionEmbedding = w.normal("position_embedding", 0.02, c.maxHistory(), c.hiddenSize());
        encoder = new TransformerEncoder(w, "encoder", c.numLayers(), c.hiddenSize(), c.numHeads(), c.innerSize(),
                c.dropout(), c.attentionDropout(), false, 0.02);
    }

    @Override
    public String name() {
        return "sasrec";
    }

    @Override
    NDArray hidden(NDManager manager, PaddedSequences batch, boolean training) {
        NDArray ids = batch.idsArray(manager);                                                         // (B, L)
        NDArray x = Embedding.embedding(ids, itemEmbedding, SparseFormat.DENSE).singletonOrThrow();     // (B, L, d)
        x = x.add(positionEmbedding.get("0:" + batch.width()));                                        // + (L, d)
        NDArray real = batch.realMask(manager);                                                         // (B, L, 1)
        x = TransformerEncoder.drop(x, (float) config.dropout(), training).mul(real);
        return encoder.forward(x, PaddedSequences.causalMask(manager, batch.width()), training);
    }

    @Override
    public NDArray itemVectors() {
        return itemEmbedding.get("1:"); // (I, d): drop the padding row
    }
}
