package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.List;

/**
 * A batch of item sequences, right-padded to a common width, as engine token ids: dense item i
 * becomes i + 1 and 0 is padding. Right padding keeps position p = p-th item of the window, so
 * causal models never see padding from a real position.
 *
 * @param batch   B
 * @param width   L, the longest sequence of the batch
 * @param ids     (B * L) token ids, row-major
 * @param lengths real length of every row
 */
record PaddedSequences(int batch, int width, long[] ids, int[] lengths) {

    static final int PAD = 0;

    /** Right-pads dense item sequences (each non-empty) into token ids. */
    static PaddedSequences of(List<int[]> sequences) {
        int b = sequences.size();
        int width = 1;
        for (int[] s : sequences) {
            width = Math.max(width, s.length);
        }
        long[] ids = new long[b * width];
        int[] lengths = new int[b];
        for (int r = 0; r < b; r++) {
            int[] s = sequences.get(r);
            lengths[r] = s.length;
            for (int t = 0; t < s.length; t++) {
                ids[r * width + t] = s[t] + 1L;
            }
        }
        return new PaddedSequences(b, width, ids, lengths);
    }

    /** (B, L) int64 token ids. */
    NDArray idsArray(NDManager manager) {
        return manager.create(ids, new Shape(batch, width));
    }

    /** (B, L, 1) 1 at real positions, 0 at padding. */
    NDArray realMask(NDManager manager) {
        float[] m = new float[batch * width];
        for (int r = 0; r < batch; r++) {
            for (int t = 0; t < lengths[r]; t++) {
                m[r * width + t] = 1f;
            }
        }
        return manager.create(m, new Shape(batch, width, 1));
    }

    /** Flat row index (b * L + len_b - 1) of every row's last real position. */
    long[] lastPositions() {
        long[] p = new long[batch];
        for (int r = 0; r < batch; r++) {
            p[r] = (long) r * width + lengths[r] - 1;
        }
        return p;
    }

    /**
     * rows[k] = flat[index[k]] for flat (N, d): an embedding lookup into the hidden states, so the
     * gradient flows back to the selected rows.
     */
    static NDArray gatherRows(NDArray flat, long[] index) {
        NDArray idx = flat.getManager().create(index);
        return Embedding.embedding(idx, flat, SparseFormat.DENSE).singletonOrThrow();
    }

    /** (1, 1, L, L) additive causal mask: 0 where key <= query, -1e9 above the diagonal. */
    static NDArray causalMask(NDManager manager, int width) {
        float[] m = new float[width * width];
        for (int q = 0; q < width; q++) {
            for (int k = q + 1; k < width; k++) {
                m[q * width + k] = -1e9f;
            }
        }
        return manager.create(m, new Shape(1, 1, width, width));
    }

    /** (B, 1, 1, L) additive key mask: -1e9 on padded keys (for bidirectional attention). */
    NDArray keyPaddingMask(NDManager manager) {
        float[] m = new float[batch * width];
        for (int r = 0; r < batch; r++) {
            for (int t = lengths[r]; t < width; t++) {
                m[r * width + t] = -1e9f;
            }
        }
        return manager.create(m, new Shape(batch, 1, 1, width));
    }
}
