package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head attention as in T5: projections without biases, no {@code 1/sqrt(d_kv)} scaling of
 * the scores (T5 folds it into the initialisation of q), and an additive bias on the scores that
 * holds the learned relative-position bias plus the padding / causal masks. Only the first layer
 * of each stack owns a {@code relative_attention_bias} table; {@link T5Stack} computes the bias
 * with it once per forward and hands it to every layer.
 *
 * <p>Shapes: B batch, H heads, Lq queries, Lk keys, d model width, d_kv head width.
 */
public final class T5Attention extends AbstractBlock {
    /** (H*d_kv, d) in the Hugging Face (out, in) layout. */
    final Parameter q;
    final Parameter k;
    final Parameter v;
    /** (d, H*d_kv). */
    final Parameter o;
    /** (numBuckets, H) or null when this layer uses the bias of the stack's first layer. */
    final Parameter relativeAttentionBias;

    private final int heads;
    private final int dKv;
    private final float dropout;
    private final DropoutNoise noise;
    private final boolean bidirectional;
    private final int numBuckets;
    private final int maxDistance;

    /**
     * @param bidirectional encoder self-attention (true) or decoder self-attention (false);
     *     irrelevant for cross-attention, which has no position bias
     */
    T5Attention(T5Config config, boolean hasRelativeAttentionBias, boolean bidirectional, DropoutNoise noise) {
        this.noise = noise;
        this.heads = config.numHeads();
        this.dKv = config.dKv();
        this.dropout = (float) config.dropoutRate();
        this.bidirectional = bidirectional;
        this.numBuckets = config.relativeAttentionNumBuckets();
        this.maxDistance = config.relativeAttentionMaxDistance();
        q = addParameter(T5FeedForward.weight("q.weight"));
        k = addParameter(T5FeedForward.weight("k.weight"));
        v = addParameter(T5FeedForward.weight("v.weight"));
        o = addParameter(T5FeedForward.weight("o.weight"));
        relativeAttentionBias = hasRelativeAttentionBias
                ? addParameter(T5FeedForward.weight("relative_attention_bias.weight"))
                : null;
    }

    /**
     * Self- or cross-attention. x (B, Lq, d) already layer-normed, memory (B, Lk, d) (x itself
     * for self-attention, the encoder output for cross-attention), bias broadcastable to
     * (B, H, Lq, Lk) -> (B, Lq, d).
     */
    public NDArray forward(NDArray x, NDArray memory, NDArray bias, boolean training) {
        NDArray qh = splitHeads(project(x, q)); // (B, H, Lq, d_kv)
        NDArray kh = splitHeads(project(memory, k)); // (B, H, Lk, d_kv)
        NDArray vh = splitHeads(project(memory, v)); // (B, H, Lk, d_kv)
        return attend(qh, kh, vh, bias, training);
    }

    /** x (B, L, d) times a (out, in) weight -> (B, L, out). */
    static NDArray project(NDArray x, Parameter w) {
        return Linear.linear(x, w.getArray()).head();
    }

    /** (B, L, H*d_kv) -> (B, H, L, d_kv), a view. */
    NDArray splitHeads(NDArray projected) {
        Shape s = projected.getShape();
        return projected.reshape(s.get(0), s.get(1), heads, dKv).transpose(0, 2, 1, 3);
    }

    /** Keys (B, H, Lk, d_kv) of {@code memory} (B, Lk, d), for the decoder's cache. */
    NDArray keys(NDArray memory) {
        return splitHeads(project(memory, k));
    }

    NDArray values(NDArray memory) {
        return splitHeads(project(memory, v));
    }

    NDArray queries(NDArray x) {
        return splitHeads(project(x, q));
    }

    /**
     * softmax(q k^T + bias) v, heads merged and projected by o. qh (B, H, Lq, d_kv),
     * kh / vh (B, H, Lk, d_kv), bias broadcastable to (B, H, Lq, Lk) -> (B, Lq, d).
     */
    NDArray attend(NDArray qh, NDArray kh, NDArray vh, NDArray bias, boolean training) {
        NDArray scores = qh.matMul(kh.transpose(0, 1, 3, 2)); // (B, H, Lq, Lk), no 1/sqrt(d_kv): T5
        if (bias != null) {
            scores = scores.addi(bias); // in place: matmul's backward does not need its output
        }
        NDArray weights = scores.softmax(-1); // (B, H, Lq, Lk)
        if (training && dropout > 0) {
            weights = noise.apply(weights, dropout);
        }
        NDArray context = weights.matMul(vh); // (B, H, Lq, d_kv)
        Shape s = context.getShape();
        NDArray merged = context.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), heads * dKv); // (B, Lq, H*d_kv)
        return project(merged, o); // (B, Lq, d)
    }

    /**
     * {@link #attend} for a single query position, as the decoder's cached step has: qh (N, H, 1,
     * d_kv), kh / vh (N, H, t, d_kv) with t the few positions decoded so far, bias (1, H, 1, t)
     * -> (N, 1, d). A batched product would be N*H products of (1 x d_kv)(d_kv x t); multiplying
     * and summing over the small axes does the same arithmetic in a few vectorised passes.
     */
    NDArray attendOneQuery(NDArray qh, NDArray kh, NDArray vh, NDArray bias) {
        long n = qh.getShape().get(0);
        NDArray scores = qh.mul(kh).sum(new int[] {3}, true); // (N, H, t, 1)
        scores = scores.addi(bias.reshape(1, heads, -1, 1)); // + (1, H, t, 1)
        NDArray weights = scores.softmax(2); // (N, H, t, 1), over the t keys
        NDArray context = weights.mul(vh).sum(new int[] {2}); // (N, H, d_kv)
        return project(context.reshape(n, 1, (long) heads * dKv), o); // (N, 1, d)
    }

    /**
     * Cross-attention of g decoding rows per encoder row, without copying the encoder keys per
     * row. qh (M*g, H, 1, d_kv), khT (M, H, d_kv, S) the transposed keys, vh (M, H, S, d_kv),
     * bias (M, 1, 1, S) -> (M*g, 1, d); equal to {@link #attend} on keys repeated g times.
     */
    NDArray attendShared(NDArray qh, NDArray khT, NDArray vh, NDArray bias, int g) {
        long n = qh.getShape().get(0);
        long m = n / g;
        NDArray q = qh.reshape(m, g, heads, dKv).transpose(0, 2, 1, 3); // (M, H, g, d_kv)
        NDArray scores = q.matMul(khT).addi(bias); // (M, H, g, S)
        NDArray context = scores.softmax(-1).matMul(vh); // (M, H, g, d_kv)
        NDArray merged = context.transpose(0, 2, 1, 3).reshape(n, 1, heads * dKv); // (M*g, 1, H*d_kv)
        return project(merged, o); // (M*g, 1, d)
    }

    /**
     * The learned relative-position bias for queries at positions {@code queryOffset ..
     * queryOffset + queryLen - 1} against keys {@code 0 .. keyLen - 1}: (1, H, Lq, Lk). The
     * bucket indices are computed in Java (a few thousand ints) and looked up in the
     * (numBuckets, H) table with one embedding op, so the gradient reaches the table.
     */
    NDArray positionBias(NDManager manager, int queryLen, int keyLen, int queryOffset) {
        if (relativeAttentionBias == null) {
            throw new IllegalStateException("only the first layer of a stack owns the relative attention bias");
        }
        int[] buckets = new int[queryLen * keyLen];
        for (int i = 0; i < queryLen; i++) {
            for (int j = 0; j < keyLen; j++) {
                buckets[i * keyLen + j] = relativePositionBucket(j - (i + queryOffset), bidirectional, numBuckets, maxDistance);
            }
        }
        // DJL wraps Java-created arrays around Java-owned memory, which is released when the
        // array is closed; embedding's backward keeps the indices, so the forward's scope must not
        // free them: the int64 conversion copies them into memory owned by the PyTorch tensor.
        NDArray index = manager.create(buckets, new Shape(queryLen, keyLen)).toType(DataType.INT64, false); // (Lq, Lk)
        NDArray table = relativeAttentionBias.getArray(); // (numBuckets, H)
        NDArray values = index.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE).head(); // (Lq, Lk, H)
        return values.transpose(2, 0, 1).expandDims(0); // (1, H, Lq, Lk)
    }

    /**
     * Hugging Face's {@code T5Attention._relative_position_bucket} for one relative position
     * {@code key - query}. Bidirectional: half the buckets for positive offsets. Half of the
     * (remaining) buckets are exact distances, the rest are logarithmically spaced up to
     * {@code maxDistance}; everything further shares the last bucket. The logarithm is taken in
     * float32 like the PyTorch code, so the bucket boundaries agree.
     */
    public static int relativePositionBucket(int relativePosition, boolean bidirectional, int numBuckets, int maxDistance) {
        int bucket = 0;
        int n = numBuckets;
        int distance;
        if (bidirectional) {
            n /= 2;
            if (relativePosition > 0) {
                bucket += n;
            }
            distance = Math.abs(relativePosition);
        } else {
            distance = -Math.min(relativePosition, 0);
        }
        int maxExact = n / 2;
        if (distance < maxExact) {
            return bucket + distance;
        }
        float ratio = (float) distance / (float) maxExact;
        float scaled = (float) Math.log(ratio) / (float) Math.log((double) maxDistance / maxExact) * (float) (n - maxExact);
        int large = maxExact + (int) scaled; // truncation toward zero, like .to(torch.long)
        return bucket + Math.min(large, n - 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // inputs: x (B, Lq, d), memory (B, Lk, d), optional bias (.., H, Lq, Lk)
        NDArray bias = inputs.size() > 2 ? inputs.get(2) : null;
        return new NDList(forward(inputs.get(0), inputs.get(1), bias, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
