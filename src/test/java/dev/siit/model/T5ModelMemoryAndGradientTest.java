package dev.siit.model;

import static dev.siit.model.T5ModelTest.ids;
import static dev.siit.model.T5ModelTest.tiny;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.siit.optim.FreedMemoryPoison;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class T5ModelMemoryAndGradientTest {

    private static float loss(T5Model model, NDManager m, boolean training) {
        try (NDManager s = m.newSubManager()) {
            NDArray in = ids(s, new int[][] {{5, 6, 7, 8, 1}, {9, 10, 1, 0, 0}});
            NDArray mask = ids(s, new int[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
            NDArray logits = model.decode(model.encode(in, mask, training), mask, ids(s, new int[][] {{0, 3, 4}, {0, 7, 8}}), training);
            NDArray target = ids(s, new int[][] {{3, 4, 1}, {7, 8, 1}}).expandDims(-1).toType(ai.djl.ndarray.types.DataType.INT64, false);
            return logits.logSoftmax(-1).gather(target, -1).mean().neg().getFloat();
        }
    }

    /** Backward through the scoped forward (intermediates closed early) gives the true gradient. */
    @Test
    void gradientMatchesFiniteDifferences() {
        // dropout 0 so that training and evaluation forwards are the same function
        try (T5Model model = T5Model.create(tiny(true, false).withDropoutRate(0), 31);
             NDManager m = NDManager.newBaseManager()) {
            String[] names = {"shared.weight", "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                    "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                    "encoder.block.1.layer.1.DenseReluDense.wi_0.weight", "decoder.block.2.layer.1.EncDecAttention.q.weight",
                    "decoder.final_layer_norm.weight", "lm_head.weight"};
            try (NDManager s = m.newSubManager()) {
                NDArray in = ids(s, new int[][] {{5, 6, 7, 8, 1}, {9, 10, 1, 0, 0}});
                NDArray mask = ids(s, new int[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = model.decode(model.encode(in, mask, true), mask, ids(s, new int[][] {{0, 3, 4}, {0, 7, 8}}), true);
                    NDArray target = ids(s, new int[][] {{3, 4, 1}, {7, 8, 1}}).expandDims(-1).toType(ai.djl.ndarray.types.DataType.INT64, false);
                    gc.backward(logits.logSoftmax(-1).gather(target, -1).mean().neg());
                }
            }
            for (String name : names) {
                NDArray w = model.parametersByName().get(name).getArray();
                float[] grad = w.getGradient().toFloatArray();
                // the element with the largest gradient: a well-conditioned finite difference
                int k = 0;
                for (int i = 1; i < grad.length; i++) {
                    if (Math.abs(grad[i]) > Math.abs(grad[k])) {
                        k = i;
                    }
                }
                float[] values = w.toFloatArray();
                float h = 1e-2f;
                float original = values[k];
                values[k] = original + h;
                w.set(values);
                float up = loss(model, m, false);
                values[k] = original - h;
                w.set(values);
                float down = loss(model, m, false);
                values[k] = original;
                w.set(values);
                double numeric = (up - down) / (2.0 * h);
                assertEquals(grad[k], numeric, 0.03 * Math.abs(grad[k]) + 1e-4, name + "[" + k + "]");
            }
        }
    }

    /**
     * Regression: DJL's scalar ops (x.mul(0.5f), x.pow(-0.5f)) hand autograd a tensor over Java
     * memory that is freed before the backward pass. Between forward and backward we run the
     * garbage collector and refill freed native memory with NaN bit patterns; every gradient
     * must stay finite and equal to the one of an undisturbed run.
     */
    @Test
    void backwardNeverReadsFreedJavaMemory() throws Exception {
        T5Config cfg = tiny(true, true).withDropoutRate(0); // gated GELU and the tied, rescaled head
        try (T5Model model = T5Model.create(cfg, 33); NDManager m = NDManager.newBaseManager()) {
            float[] reference = null;
            for (int iter = 0; iter < 6; iter++) {
                for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : model.getParameters()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    g.subi(g); // zero the accumulated gradient
                }
                try (NDManager s = m.newSubManager()) {
                    NDArray in = ids(s, new int[][] {{5, 6, 7, 8, 1}});
                    NDArray mask = ids(s, new int[][] {{1, 1, 1, 1, 1}});
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.decode(model.encode(in, mask, true), mask, ids(s, new int[][] {{0, 3, 4}}), true);
                        NDArray loss = logits.logSoftmax(-1).get(":, :, 3").sum().neg();
                        List<ByteBuffer> filler = iter > 0 ? FreedMemoryPoison.once() : null;
                        gc.backward(loss);
                        Reference.reachabilityFence(filler);
                    }
                }
                float[] grads = model.parametersByName().values().stream()
                        .map(p -> p.getArray().getGradient().toFloatArray())
                        .reduce(new float[0], T5ModelMemoryAndGradientTest::concat);
                if (reference == null) {
                    reference = grads;
                } else {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(reference, grads, 1e-5f, "iteration " + iter);
                }
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void forwardsLeaveNoArraysBehind() {
        try (T5Model model = T5Model.create(tiny(false, true), 32); NDManager m = NDManager.newBaseManager()) {
            int modelArrays = model.manager().getManagedArrays().size();
            int[] callerArrays = new int[4];
            for (int iter = 0; iter < 4; iter++) {
                loss(model, m, false);
                try (NDManager s = m.newSubManager()) {
                    NDArray in = ids(s, new int[][] {{5, 6, 7, 8, 1}});
                    NDArray mask = ids(s, new int[][] {{1, 1, 1, 1, 1}});
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.decode(model.encode(in, mask, true), mask, ids(s, new int[][] {{0, 3}}), true);
                        gc.backward(logits.sum());
                    }
                    NDArray h = model.encode(in, mask, false);
                    try (Seq2SeqModel.DecoderCache cache = model.newCache(h, mask)) {
                        model.step(cache, s.create(new int[] {0}));
                        cache.select(s.create(new int[] {0, 0, 0}));
                        model.step(cache, s.create(new int[] {3, 4, 5}));
                    }
                }
                callerArrays[iter] = m.getManagedArrays().size();
                // gradients are allocated once per parameter by the first backward, then reused
                assertEquals(modelArrays, model.manager().getManagedArrays().size(), "model manager after iteration " + iter);
            }
            assertEquals(callerArrays[1], callerArrays[3]);
            assertEquals(0, callerArrays[3]);
        }
    }
}
