package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.siit.data.Example;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A model whose hidden state at position t summarises items 0..t only (SASRec, GRU4Rec). It is
 * trained at every position at once: inputs s[0..n-2], targets s[1..n-1], over the most recent
 * H + 1 items of the training part; a user is represented by the state at the last history item.
 */
abstract class CausalSequenceModel implements SequentialRecommender {
    protected final BaselineConfig config;
    protected final int numItems;
    protected final ModelWeights weights;

    CausalSequenceModel(BaselineConfig config, int numItems, ModelWeights weights) {
        this.config = config;
        this.numItems = numItems;
        this.weights = weights;
    }

    /** (B, L, r) hidden states of the padded batch. */
    abstract NDArray hidden(NDManager manager, PaddedSequences batch, boolean training);

    @Override
    public ModelWeights weights() {
        return weights;
    }

    @Override
    public NDArray loss(NDManager manager, int[] users, List<int[]> sequences, SplittableRandom random) {
        int h = config.maxHistory();
        List<int[]> inputs = new ArrayList<>(sequences.size());
        List<int[]> outputs = new ArrayList<>(sequences.size());
        for (int[] s : sequences) {
            int[] window = Arrays.copyOfRange(s, Math.max(0, s.length - h - 1), s.length);
            inputs.add(Arrays.copyOf(window, window.length - 1));
            outputs.add(Arrays.copyOfRange(window, 1, window.length));
        }
        PaddedSequences batch = PaddedSequences.of(inputs);
        int n = 0;
        for (int[] o : outputs) {
            n += o.length;
        }
        long[] rows = new long[n];
        long[] targets = new long[n];
        int[][] exclude = new int[n][];
        int k = 0;
        for (int r = 0; r < outputs.size(); r++) {
            int[] seen = "bpr".equals(config.loss()) ? sortedDistinct(sequences.get(r)) : null;
            for (int t = 0; t < outputs.get(r).length; t++) {
                rows[k] = (long) r * batch.width() + t;
                targets[k] = outputs.get(r)[t];
                exclude[k] = seen;
                k++;
            }
        }
        NDArray states = hidden(manager, batch, true);                       // (B, L, r)
        NDArray flat = states.reshape(-1, states.getShape().get(2));          // (B*L, r)
        NDArray selected = PaddedSequences.gatherRows(flat, rows);            // (N, r)
        NDArray items = itemVectors();                                        // (I, r)
        return "bpr".equals(config.loss())
                ? NextItemLoss.bpr(selected, items, targets, exclude, numItems, random)
                : NextItemLoss.crossEntropy(selected, items, targets);
    }

    @Override
    public NDArray represent(NDManager manager, List<Example> examples) {
        List<int[]> histories = new ArrayList<>(examples.size());
        for (Example e : examples) {
            int[] hist = e.history();
            if (hist.length == 0) {
                throw new IllegalArgumentException("user " + e.user() + " has an empty history");
            }
            histories.add(Arrays.copyOfRange(hist, Math.max(0, hist.length - config.maxHistory()), hist.length));
        }
        PaddedSequences batch = PaddedSequences.of(histories);
        NDArray states = hidden(manager, batch, false);
        NDArray flat = states.reshape(-1, states.getShape().get(2));
        return PaddedSequences.gatherRows(flat, batch.lastPositions());
    }

    static int[] sortedDistinct(int[] s) {
        return Arrays.stream(s).sorted().distinct().toArray();
    }
}
