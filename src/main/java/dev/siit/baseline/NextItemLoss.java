package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.SplittableRandom;

/** The two training objectives over hidden states: softmax cross-entropy over all items, or BPR. */
final class NextItemLoss {
    private NextItemLoss() {
    }

    /**
     * Mean of -log softmax(h . items^T)[target].
     *
     * @param hidden  (N, r) representations
     * @param items   (I, r) item vectors
     * @param targets N dense target items
     */
    static NDArray crossEntropy(NDArray hidden, NDArray items, long[] targets) {
        NDArray logp = hidden.matMul(items.transpose()).logSoftmax(-1); // (N, I)
        NDArray idx = hidden.getManager().create(targets, new Shape(targets.length, 1));
        return logp.gather(idx, 1).mean().neg();
    }

    /**
     * Mean of -log sigmoid(h . e_pos - h . e_neg) with one negative per row, drawn uniformly
     * from the items not in that row's sequence.
     *
     * @param hidden   (N, r)
     * @param items    (I, r)
     * @param targets  N dense positive items
     * @param exclude  exclude[n] = sorted items the row's user interacted with in training
     */
    static NDArray bpr(NDArray hidden, NDArray items, long[] targets, int[][] exclude, int numItems,
                       SplittableRandom random) {
        long[] neg = new long[targets.length];
        for (int n = 0; n < targets.length; n++) {
            int j;
            do {
                j = random.nextInt(numItems);
            } while (Arrays.binarySearch(exclude[n], j) >= 0);
            neg[n] = j;
        }
        NDManager m = hidden.getManager();
        NDArray pos = hidden.mul(PaddedSequences.gatherRows(items, targets)).sum(new int[] {1});
        NDArray ng = hidden.mul(PaddedSequences.gatherRows(items, neg)).sum(new int[] {1});
        // -log sigmoid(x) = softplus(-x) = log(1 + exp(-x)), computed stably
        NDArray x = pos.sub(ng);
        // relu, not maximum(0): an op with a Java number keeps a freed scalar in the autograd graph
        // (see TransformerEncoder.attention)
        return Activation.relu(x.neg()).add(x.abs().neg().exp().add(1f).log()).mean();
    }
}
