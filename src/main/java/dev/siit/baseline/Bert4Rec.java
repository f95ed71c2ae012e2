package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import dev.siit.data.Example;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * BERT4Rec (Sun et al., CIKM 2019): a bidirectional transformer trained as a cloze task. In
 * training, each position of the last H + 1 training items is replaced by the mask token with
 * probability p (at least one per sequence), and the model predicts the original items at the
 * masked positions; with probability q only the last item is masked, the next-item task seen at
 * prediction time. To predict, the mask token is appended after the last H history items and
 * its output scored. Token ids: 0 pad, 1..I items, I + 1 mask. score = h . E_i + b_i.
 */
final class Bert4Rec implements SequentialRecommender {
    private final BaselineConfig config;
    private final ModelWeights weights;
    private final int numItems;
    private final long maskToken;
    private final NDArray tokenEmbedding;    // (I + 2, d)
    private final NDArray positionEmbedding; // (H + 1, d)
    private final NDArray outputBias;        // (I)
    private final TransformerEncoder encoder;

    Bert4Rec(BaselineConfig c, int numItems, ModelWeights w) {
        this.config = c;
        this.weights = w;
        this.numItems = numItems;
        this.maskToken = numItems + 1L;
        tokenEmbedding = w.normal("token_embedding", 0.02, numItems + 2, c.hiddenSize());
        positionEmbedding = w.normal("position_embedding", 0.02, c.maxHistory() + 1L, c.hiddenSize());
        outputBias = w.constant("output_bias", 0f, numItems);
        encoder = new TransformerEncoder(w, "encoder", c.numLayers(), c.hiddenSize(), c.numHeads(), c.innerSize(),
                c.dropout(), c.attentionDropout(), true, 0.02);
    }

    long maskToken() {
        return maskToken;
    }

    @Override
    public String name() {
        return "bert4rec";
    }

    @Override
    public ModelWeights weights() {
        return weights;
    }

    /** (B, L, d) bidirectional hidden states of token ids; {@code batch} gives the lengths. */
    NDArray hidden(NDManager manager, PaddedSequences batch, long[] tokens, boolean training) {
        NDArray ids = manager.create(tokens, new Shape(batch.batch(), batch.width()));
        NDArray x = Embedding.embedding(ids, tokenEmbedding, SparseFormat.DENSE).singletonOrThrow();
        x = x.add(positionEmbedding.get("0:" + batch.width()));
        x = TransformerEncoder.drop(x, (float) config.dropout(), training).mul(batch.realMask(manager));
        return encoder.forward(x, batch.keyPaddingMask(manager), training);
    }

    /**
     * The masked copy of the batch's token ids; {@code positions} and {@code targets} receive
     * the flat index and the original dense item of every masked position.
     */
    long[] maskTokens(PaddedSequences batch, SplittableRandom random, List<Long> positions, List<Long> targets) {
        long[] tokens = batch.ids().clone();
        for (int r = 0; r < batch.batch(); r++) {
            int len = batch.lengths()[r];
            int base = r * batch.width();
            boolean[] masked = new boolean[len];
            if (random.nextDouble() < config.lastItemMaskProbability()) {
                masked[len - 1] = true;
            } else {
                boolean any = false;
                for (int t = 0; t < len; t++) {
                    masked[t] = random.nextDouble() < config.maskProbability();
                    any |= masked[t];
                }
                if (!any) {
                    masked[random.nextInt(len)] = true;
                }
            }
            for (int t = 0; t < len; t++) {
                if (masked[t]) {
                    positions.add((long) base + t);
                    targets.add(tokens[base + t] - 1);
                    tokens[base + t] = maskToken;
                }
            }
        }
        return tokens;
    }

    @Override
    public NDArray loss(NDManager manager, int[] users, List<int[]> sequences, SplittableRandom random) {
        int h1 = config.maxHistory() + 1;
        List<int[]> windows = new ArrayList<>(sequences.size());
        for (int[] s : sequences) {
            windows.add(Arrays.copyOfRange(s, Math.max(0, s.length - h1), s.length));
        }
        PaddedSequences batch = PaddedSequences.of(windows);
        List<Long> positions = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        long[] tokens = maskTokens(batch, random, positions, targets);
        NDArray states = hidden(manager, batch, tokens, true);
        NDArray flat = states.reshape(-1, config.hiddenSize());
        NDArray selected = PaddedSequences.gatherRows(flat, toArray(positions));
        NDArray rep = NDArrays.concat(new NDList(selected, manager.ones(new Shape(positions.size(), 1))), 1);
        return NextItemLoss.crossEntropy(rep, itemVectors(), toArray(targets));
    }

    @Override
    public NDArray represent(NDManager manager, List<Example> examples) {
        List<int[]> windows = new ArrayList<>(examples.size());
        for (Example e : examples) {
            int[] hist = e.history();
            int[] w = Arrays.copyOfRange(hist, Math.max(0, hist.length - config.maxHistory()), hist.length + 1);
            windows.add(w); // the extra last slot becomes the mask token below
        }
        PaddedSequences batch = PaddedSequences.of(windows);
        long[] tokens = batch.ids().clone();
        long[] last = batch.lastPositions();
        for (long p : last) {
            tokens[(int) p] = maskToken;
        }
        NDArray states = hidden(manager, batch, tokens, false);
        NDArray selected = PaddedSequences.gatherRows(states.reshape(-1, config.hiddenSize()), last);
        return NDArrays.concat(new NDList(selected, manager.ones(new Shape(examples.size(), 1))), 1); // (B, d + 1)
    }

    @Override
    public NDArray itemVectors() {
        NDArray items = tokenEmbedding.get("1:" + (numItems + 1));                          // (I, d)
        return NDArrays.concat(new NDList(items, outputBias.reshape(numItems, 1)), 1);      // (I, d + 1)
    }

    private static long[] toArray(List<Long> v) {
        long[] a = new long[v.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = v.get(i);
        }
        return a;
    }
}
