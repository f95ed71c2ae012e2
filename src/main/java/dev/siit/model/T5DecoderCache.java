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
 * <p>Shapes: N rows, H heads, t cached positions, S encoder length, d_kv head width.
 */
public final class T5DecoderCache implements Seq2SeqModel.DecoderCache {
    private final NDManager manager;
    private final List<LayerState> layers = new ArrayList<>();
    /** (N, 1, 1, S): 0 for encoder tokens, large negative for padding. */
    private NDArray crossKeyMask;
    private int length;

    T5DecoderCache(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** The state of one decoder layer. */
    public final class LayerState {
        /** (N, H, t, d_kv); null before the first step. */
        NDArray selfKeys;
        NDArray selfValues;
        /** (N, H, S, d_kv). */
        NDArray crossKeys;
        NDArray crossValues;

        /** Appends this position's keys and values (N, H, 1, d_kv) along the time axis. */
        void append(NDArray keys, NDArray values) {
            selfKeys = replace(selfKeys, selfKeys == null ? keys : selfKeys.concat(keys, 2));
            selfValues = replace(selfValues, selfValues == null ? values : selfValues.concat(values, 2));
        }
    }

    LayerState addLayer(NDArray crossKeys, NDArray crossValues) {
        LayerState s = new LayerState();
        s.crossKeys = own(crossKeys);
        s.crossValues = own(crossValues);
        layers.add(s);
        return s;
    }

    void setCrossKeyMask(NDArray mask) {
        crossKeyMask = own(mask);
    }

    LayerState layer(int i) {
        return layers.get(i);
    }

    NDArray crossKeyMask() {
        return crossKeyMask;
    }

    void advance() {
        length++;
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
        return crossKeyMask.getShape().get(0);
    }

    @Override
    public void select(NDArray rows) {
        // one advanced-indexing gather per cached tensor: (N, ...) -> (N', ...)
        try (NDArray index = rows.toType(DataType.INT64, true)) {
            NDIndex pick = new NDIndex("{}", index);
            crossKeyMask = replace(crossKeyMask, crossKeyMask.get(pick));
            for (LayerState s : layers) {
                s.crossKeys = replace(s.crossKeys, s.crossKeys.get(pick));
                s.crossValues = replace(s.crossValues, s.crossValues.get(pick));
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
