package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.SplittableRandom;

/**
 * A small trainable encoder-decoder for tests: the decoder at position t sees only its input
 * token and the mean of the encoder states, so logits(t) = tanh(E[x_t] + mean(E[prompt]) W) O
 * + b. Exact, cheap, and makes every sequence's log-probability easy to enumerate.
 * Parameters: emb (V, d), ctx (d, d), out (d, V), bias (V).
 */
public final class FakeSeq2SeqModel implements Seq2SeqModel {
    private final Net net;
    private final int vocab;
    private final int start;
    private final int eos;

    public FakeSeq2SeqModel(NDManager manager, int vocab, int d, long seed) {
        this(manager, vocab, d, seed, 0, 1);
    }

    public FakeSeq2SeqModel(NDManager manager, int vocab, int d, long seed, int start, int eos) {
        this.vocab = vocab;
        this.start = start;
        this.eos = eos;
        SplittableRandom rng = new SplittableRandom(seed);
        this.net = new Net();
        net.set("emb", manager, random(rng, vocab * d, 1.0), new Shape(vocab, d));
        net.set("ctx", manager, random(rng, d * d, 1.0 / Math.sqrt(d)), new Shape(d, d));
        net.set("out", manager, random(rng, d * vocab, 2.0 / Math.sqrt(d)), new Shape(d, vocab));
        net.set("bias", manager, new float[vocab], new Shape(vocab));
    }

    private static float[] random(SplittableRandom rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    /** Parameter array by name (emb, ctx, out, bias). */
    public NDArray param(String name) {
        return net.params().get(name).getArray();
    }

    @Override
    public Block block() {
        return net;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int decoderStartTokenId() {
        return start;
    }

    @Override
    public int eosTokenId() {
        return eos;
    }

    private NDArray embed(NDArray ids) {
        return ids.oneHot(vocab).matMul(param("emb")); // (..., d)
    }

    @Override
    public NDArray encode(NDArray inputIds, NDArray attentionMask, boolean training) {
        NDArray m = attentionMask.toType(DataType.FLOAT32, false).expandDims(-1); // (B, S, 1)
        return embed(inputIds).mul(m);
    }

    /** (B, d): mean encoder state projected by ctx. */
    private NDArray context(NDArray encoderHidden, NDArray attentionMask) {
        NDArray count = attentionMask.toType(DataType.FLOAT32, false).sum(new int[] {1}, true); // (B, 1)
        return encoderHidden.sum(new int[] {1}).div(count).matMul(param("ctx"));
    }

    private NDArray head(NDArray x) {
        return x.tanh().matMul(param("out")).add(param("bias"));
    }

    @Override
    public NDArray decode(NDArray encoderHidden, NDArray attentionMask, NDArray decoderInputIds, boolean training) {
        NDArray ctx = context(encoderHidden, attentionMask).expandDims(1); // (B, 1, d)
        return head(embed(decoderInputIds).add(ctx)); // (B, T, V)
    }

    @Override
    public DecoderCache newCache(NDArray encoderHidden, NDArray attentionMask) {
        return new Cache(context(encoderHidden, attentionMask));
    }

    @Override
    public NDArray step(DecoderCache cache, NDArray tokens) {
        Cache c = (Cache) cache;
        NDArray logits = head(embed(tokens).add(c.ctx)); // (N, V)
        c.length++;
        return logits;
    }

    private static final class Cache implements DecoderCache {
        NDArray ctx; // (N, d)
        int length;

        Cache(NDArray ctx) {
            this.ctx = ctx;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void select(NDArray rows) {
            NDArray old = ctx;
            ctx = ctx.get(rows);
            ctx.attach(old.getManager());
        }

        @Override
        public void close() {
        }
    }

    /** Holds the parameters so trainers and checkpoints see them as a DJL block. */
    static final class Net extends AbstractBlock {
        void set(String name, NDManager manager, float[] values, Shape shape) {
            Parameter p = addParameter(Parameter.builder().setName(name).setType(
                    name.equals("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT).build());
            NDArray a = manager.create(values, shape);
            a.setRequiresGradient(true);
            p.setArray(a);
        }

        java.util.Map<String, Parameter> params() {
            return parameters;
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            throw new UnsupportedOperationException("use the Seq2SeqModel methods");
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            throw new UnsupportedOperationException();
        }
    }
}
