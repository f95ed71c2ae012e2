package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;

/**
 * GRU4Rec (Hidasi et al., ICLR 2016) in its sequential-recommendation form: item embedding,
 * dropout, a GRU over the history, a dense layer back to the embedding width; scores are inner
 * products with the item embeddings. The GRU runs as one fused engine call (torch gru).
 */
final class Gru4Rec extends CausalSequenceModel {
    private final NDArray itemEmbedding; // (I + 1, d), row 0 = padding
    private final NDList gruWeights;      // per layer: w_ih (3s, in), w_hh (3s, s), b_ih (3s), b_hh (3s)
    private final NDArray denseWeight;   // (d, s)
    private final NDArray denseBias;     // (d)
    private final int state;

    Gru4Rec(BaselineConfig c, int numItems, ModelWeights w) {
        super(c, numItems, w);
        int d = c.hiddenSize();
        state = c.innerSize();
        itemEmbedding = w.normal("item_embedding", 1.0 / Math.sqrt(d), numItems + 1, d);
        gruWeights = new NDList();
        for (int l = 0; l < c.numLayers(); l++) {
            int in = l == 0 ? d : state;
            gruWeights.add(w.xavier("gru.l" + l + ".w_ih", 3L * state, in));
            gruWeights.add(w.xavier("gru.l" + l + ".w_hh", 3L * state, state));
            gruWeights.add(w.constant("gru.l" + l + ".b_ih", 0f, 3L * state));
            gruWeights.add(w.constant("gru.l" + l + ".b_hh", 0f, 3L * state));
        }
        denseWeight = w.xavier("dense.weight", d, state);
        denseBias = w.constant("dense.bias", 0f, d);
    }

    @Override
    public String name() {
        return "gru4rec";
    }

    @Override
    NDArray hidden(NDManager manager, PaddedSequences batch, boolean training) {
        NDArray ids = batch.idsArray(manager);                                                      // (B, L)
        NDArray x = Embedding.embedding(ids, itemEmbedding, SparseFormat.DENSE).singletonOrThrow();  // (B, L, d)
        x = TransformerEncoder.drop(x, (float) config.dropout(), training);
        NDArray h0 = manager.zeros(new Shape(config.numLayers(), batch.batch(), state));
        NDArray out = x.getNDArrayInternal()
                .gru(x, h0, gruWeights, true, config.numLayers(), 0.0, training, false, true)
                .get(0);                                                                              // (B, L, s)
        return Linear.linear(out, denseWeight, denseBias).singletonOrThrow();                         // (B, L, d)
    }

    @Override
    public NDArray itemVectors() {
        return itemEmbedding.get("1:");
    }
}
