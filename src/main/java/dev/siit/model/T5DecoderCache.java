package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoder's key/value cache for incremental decoding: per layer the self-attention keys and
 * values of the positions decoded so far and the cross-attention keys and values of the encoder
 * output (projected once, in {@link T5Model#newCache}). Every cached array lives in the cache's
 * own sub-manager and the array it replaces is closed at once, so memory stays flat over steps
 * and {@link #close()} frees everything.
 *
 * <p>Shapes: N rows, H heads, t cached positions, S encoder length, d_kv head width, M rows of
 * encoder output. Beam search decodes g = N / M beams per input, and all beams of one input share
 * its encoder states: the cross-attention keys and values stay (M, H, S, d_kv) and {@link #select}
 * only updates the Java-side map from decoding row to encoder row, instead of copying
 * N x S x H x d_kv floats per layer at every step (0.8 GB per step for 64 users x 20 beams, encoder length 50, 4 layers).
 */
public final class T5DecoderCache implements Seq2SeqModel.DecoderCache {
    private final NDManager manager;
    private final List<LayerState> layers = new ArrayList<>();
    /** (M, 1, 1, S): 0 for encoder tokens, large negative for padding. */
    private NDArray crossKeyMask;
    /** crossRow[r] = the encoder row (0..M-1) that decoding row r attends to; (N,). */
    private int[] crossRow;
    private int length;

    T5DecoderCache(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** The state of one decoder layer. */
    public final class LayerState {
        /** (N, H, t, d_kv); null before the first step. */
        NDArray selfKeys;
        NDArray selfValues;
        /**
         * (M, H, d_kv, S) keys, already transposed for q k^T, and (M, H, S, d_kv) values, both
         * contiguous: the projections arrive as transposed views, and a view made every step's
         * batched product copy them ((M, H, S, d_kv) twice per layer and step).
         */
        NDArray crossKeysT;
        NDArray crossValues;

        /**
         * Cross-attention of the current rows: qh (N, H, 1, d_kv) -> (N, 1, d). Rows grouped as
         * g consecutive rows per encoder row (the beam-search layout) attend to the shared keys
         * without copying them; any other layout gathers this step's keys and values.
         */
        NDArray crossAttend(T5Attention attention, NDArray qh) {
            int g = groupSize();
            if (g > 0) {
                return attention.attendShared(qh, crossKeysT, crossValues, crossKeyMask, g);
            }
            NDIndex pick = new NDIndex("{}", manager.create(crossRow).toType(DataType.INT64, false));
            return attention.attend(qh, crossKeysT.get(pick).transpose(0, 1, 3, 2), crossValues.get(pick),
                    crossKeyMask.get(pick), false);
        }

        /** Appends this position's keys and values (N, H, 1, d_kv) along the time axis. */
        void append(NDArray keys, NDArray values) {
            selfKeys = replace(selfKeys, selfKeys == null ? keys : selfKeys.concat(keys, 2));
            selfValues = replace(selfValues, selfValues == null ? values : selfValues.concat(values, 2));
        }
    }

    /** crossKeys, crossValues (M, H, S, d_kv), any strides. */
    LayerState addLayer(NDArray crossKeys, NDArray crossValues) {
        LayerState s = new LayerState();
        s.crossKeysT = own(contiguous(crossKeys.transpose(0, 1, 3, 2)));
        s.crossValues = own(contiguous(crossValues));
        layers.add(s);
        return s;
    }

    void setCrossKeyMask(NDArray mask) {
        crossKeyMask = own(mask);
        crossRow = new int[Math.toIntExact(mask.getShape().get(0))];
        for (int r = 0; r < crossRow.length; r++) {
            crossRow[r] = r;
        }
    }

    /** g when row r attends to encoder row r / g for every r, else 0. */
    int groupSize() {
        long m = crossKeyMask.getShape().get(0);
        if (crossRow.length % m != 0) {
            return 0;
        }
        int g = (int) (crossRow.length / m);
        for (int r = 0; r < crossRow.length; r++) {
            if (crossRow[r] != r / g) {
                return 0;
            }
        }
        return g;
    }

    LayerState layer(int i) {
        return layers.get(i);
    }

    void advance() {
        length++;
    }

    /** A contiguous copy (flattening a strided view copies; reshaping back is a view). */
    private static NDArray contiguous(NDArray a) {
        return a.reshape(-1).reshape(a.getShape());
    }

    /** Moves an array into the cache (out of any NDScope, into the cache's manager). */
    private NDArray own(NDArray a) {
        NDScope.unregister(a);
        a.attach(manager);
        return a;
    }

    private NDArray replace(NDArray old, NDArray fresh) {
        NDArray owned = own(fresh);
        if (old != null && old != owned) {
            old.close();
        }
        return owned;
    }

    @Override
    public int length() {
        return length;
    }

    /** Number of rows N currently decoded. */
    public long rows() {
        return crossRow.length;
    }

    @Override
    public void select(NDArray rows) {
        // the encoder side is shared: only the row map changes, (N,) -> (N',)
        int[] picked;
        try (NDArray asInt = rows.toType(DataType.INT32, true)) {
            picked = asInt.toIntArray();
        }
        int[] next = new int[picked.length];
        for (int r = 0; r < picked.length; r++) {
            next[r] = crossRow[picked[r]];
        }
        crossRow = next;
        // one advanced-indexing gather per cached self-attention tensor: (N, ...) -> (N', ...)
        try (NDArray index = rows.toType(DataType.INT64, true)) {
            NDIndex pick = new NDIndex("{}", index);
            for (LayerState s : layers) {
                if (s.selfKeys != null) {
                    s.selfKeys = replace(s.selfKeys, s.selfKeys.get(pick));
                    s.selfValues = replace(s.selfValues, s.selfValues.get(pick));
                }
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
