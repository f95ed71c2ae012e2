package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import dev.siit.data.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Caser (Tang & Wang, WSDM 2018): the embeddings of the last L items form an L x d "image";
 * horizontal filters of heights 1..L (max-pooled over time) capture union-level patterns,
 * vertical filters (L x 1) weighted sums of the window; a dense layer gives z, which is joined
 * with the user embedding. score(u, i) = [z, P_u] . W_i + b_i, written as one inner product of
 * [z, P_u, 1] with [W_i, b_i]. Trained with softmax cross-entropy on every (window, next item),
 * or with T > 1 on each of the next T items of a window as in the original Caser.
 */
final class Caser implements SequentialRecommender {
    private final BaselineConfig config;
    private final ModelWeights weights;
    private final int numItems;
    private final int window;                  // L
    private final NDArray itemEmbedding;       // (I + 1, d), row 0 = padding
    private final NDArray userEmbedding;       // (U, d)
    private final List<NDArray> horizontal = new ArrayList<>(); // h = 1..L: (n_h, h d)
    private final List<NDArray> horizontalBias = new ArrayList<>(); // (n_h)
    private final NDArray vertical;            // (n_v, L)
    private final NDArray verticalBias;        // (n_v)
    private final NDArray fcWeight;            // (d, n_h L + n_v d)
    private final NDArray fcBias;              // (d)
    private final NDArray outWeight;           // (I, 2d)
    private final NDArray outBias;             // (I)

    Caser(BaselineConfig c, int numUsers, int numItems, ModelWeights w) {
        this.config = c;
        this.weights = w;
        this.numItems = numItems;
        this.window = c.caserWindow();
        int d = c.hiddenSize();
        int nh = c.caserHorizontal();
        int nv = c.caserVertical();
        itemEmbedding = w.normal("item_embedding", 1.0 / d, numItems + 1, d);
        userEmbedding = w.normal("user_embedding", 1.0 / d, numUsers, d);
        for (int h = 1; h <= window && nh > 0; h++) {
            // Glorot bound with fan_in = h d, fan_out = n_h h d, as torch counts a conv kernel
            horizontal.add(w.uniform("conv_h" + h + ".weight", Math.sqrt(6.0 / ((double) h * d * (nh + 1))), nh, (long) h * d));
            horizontalBias.add(w.constant("conv_h" + h + ".bias", 0f, nh));
        }
        vertical = nv > 0 ? w.uniform("conv_v.weight", Math.sqrt(6.0 / ((double) window * (nv + 1))), nv, window) : null;
        verticalBias = nv > 0 ? w.constant("conv_v.bias", 0f, nv) : null;
        long fcIn = (long) nh * (nh > 0 ? window : 0) + (long) nv * d;
        fcWeight = w.xavier("fc.weight", d, fcIn);
        fcBias = w.constant("fc.bias", 0f, d);
        outWeight = w.normal("out.weight", 1.0 / (2 * d), numItems, 2L * d);
        outBias = w.constant("out.bias", 0f, numItems);
    }

    @Override
    public String name() {
        return "caser";
    }

    @Override
    public ModelWeights weights() {
        return weights;
    }

    /** The window of the L items before position t, left-padded with 0; token ids (item + 1). */
    private void windowIds(int[] s, int t, long[] out, int offset) {
        for (int k = 0; k < window; k++) {
            int pos = t - window + k;
            out[offset + k] = pos >= 0 ? s[pos] + 1L : PaddedSequences.PAD;
        }
    }

    /** (B, 2d + 1) = [z, P_u, 1] for windows (B, L) of token ids and users (B). */
    private NDArray features(NDManager manager, long[] windows, long[] users, boolean training) {
        int b = users.length;
        int d = config.hiddenSize();
        NDArray ids = manager.create(windows, new Shape(b, window));
        NDArray e = Embedding.embedding(ids, itemEmbedding, SparseFormat.DENSE).singletonOrThrow(); // (B, L, d)
        NDList parts = new NDList();
        // The convolutions are written as matrix products (a filter of height h spans whole rows,
        // so it is a linear map of h stacked consecutive embeddings); this avoids engine conv
        // kernels whose result changed with the batch size in our tests.
        for (int i = 0; i < horizontal.size(); i++) {
            int h = i + 1;
            NDList shifted = new NDList();
            for (int k = 0; k < h; k++) {
                shifted.add(e.get(":, " + k + ":" + (window - h + 1 + k) + ", :"));     // (B, L-h+1, d)
            }
            NDArray rows = NDArrays.concat(shifted, 2);                                    // (B, L-h+1, h d)
            NDArray conv = Linear.linear(rows, horizontal.get(i), horizontalBias.get(i)).singletonOrThrow(); // (B, L-h+1, n_h)
            parts.add(Activation.relu(conv).max(new int[] {1}));                           // (B, n_h)
        }
        if (vertical != null) {
            NDArray conv = vertical.matMul(e).add(verticalBias.reshape(-1, 1));           // (n_v, L) x (B, L, d) -> (B, n_v, d)
            parts.add(conv.reshape(b, -1));                                                 // (B, n_v d)
        }
        NDArray o = TransformerEncoder.drop(NDArrays.concat(parts, 1), (float) config.dropout(), training);
        NDArray z = Activation.relu(Linear.linear(o, fcWeight, fcBias).singletonOrThrow()); // (B, d)
        NDArray u = Embedding.embedding(manager.create(users), userEmbedding, SparseFormat.DENSE).singletonOrThrow();
        return NDArrays.concat(new NDList(z, u, manager.ones(new Shape(b, 1))), 1);          // (B, 2d + 1)
    }

    /**
     * Mean cross-entropy over (window, target) pairs: the window of the L items before position t
     * is trained on each of the next T items s[t], ..., s[t + T - 1] that exist (T =
     * caserTargets), its features computed once and gathered per target.
     */
    @Override
    public NDArray loss(NDManager manager, int[] users, List<int[]> sequences, SplittableRandom random) {
        int targetsPerWindow = config.caserTargets();
        int n = 0;
        int pairs = 0;
        for (int[] s : sequences) {
            n += s.length - 1;
            for (int t = 1; t < s.length; t++) {
                pairs += Math.min(targetsPerWindow, s.length - t);
            }
        }
        long[] windows = new long[n * window];
        long[] rowUsers = new long[n];
        long[] rowOfPair = new long[pairs];
        long[] targets = new long[pairs];
        int k = 0;
        int p = 0;
        for (int r = 0; r < sequences.size(); r++) {
            int[] s = sequences.get(r);
            for (int t = 1; t < s.length; t++) {
                windowIds(s, t, windows, k * window);
                rowUsers[k] = users[r];
                for (int j = t; j < Math.min(s.length, t + targetsPerWindow); j++) {
                    rowOfPair[p] = k;
                    targets[p] = s[j];
                    p++;
                }
                k++;
            }
        }
        NDArray features = features(manager, windows, rowUsers, true);                    // (n, 2d + 1)
        if (targetsPerWindow > 1) {
            features = PaddedSequences.gatherRows(features, rowOfPair);                    // (pairs, 2d + 1)
        }
        return NextItemLoss.crossEntropy(features, itemVectors(), targets);
    }

    @Override
    public NDArray represent(NDManager manager, List<Example> examples) {
        long[] windows = new long[examples.size() * window];
        long[] users = new long[examples.size()];
        for (int r = 0; r < examples.size(); r++) {
            Example e = examples.get(r);
            windowIds(e.history(), e.history().length, windows, r * window);
            users[r] = e.user();
        }
        return features(manager, windows, users, false);
    }

    @Override
    public NDArray itemVectors() {
        return NDArrays.concat(new NDList(outWeight, outBias.reshape(numItems, 1)), 1); // (I, 2d + 1)
    }
}
