package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenCrossEntropyTest {

    @Test
    void lossMatchesHandComputedValue() {
        // one position, logits x.w = (0, ln 3) for V = 2, target 1: -log(3/4)
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1f, 0f}, new Shape(1, 1, 2));
            NDArray w = m.create(new float[] {0f, 0f, (float) Math.log(3), 0f}, new Shape(2, 2));
            NDArray labels = m.create(new long[] {1}, new Shape(1, 1));
            NDArray mask = m.create(new float[] {1f}, new Shape(1, 1));
            assertEquals(-Math.log(0.75), TokenCrossEntropy.ofLinearHead(x, w, labels, mask).getFloat(), 1e-6);
        }
    }

    /** Value and both gradients against autograd through log-softmax, with masked positions. */
    @Test
    void valueAndGradientsEqualAutogradThroughLogSoftmax() {
        int b = 3, t = 4, d = 5, v = 11;
        SplittableRandom r = new SplittableRandom(7);
        float[] xv = new float[b * t * d];
        float[] wv = new float[v * d];
        for (int i = 0; i < xv.length; i++) {
            xv[i] = (float) r.nextGaussian() * 2;
        }
        for (int i = 0; i < wv.length; i++) {
            wv[i] = (float) r.nextGaussian();
        }
        long[] lab = new long[b * t];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = r.nextInt(v);
        }
        float[] mk = {1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(lab, new Shape(b, t));
            NDArray mask = m.create(mk, new Shape(b, t));
            NDArray x1 = m.create(xv, new Shape(b, t, d));
            NDArray w1 = m.create(wv, new Shape(v, d));
            NDArray x2 = m.create(xv, new Shape(b, t, d));
            NDArray w2 = m.create(wv, new Shape(v, d));
            for (NDArray a : new NDArray[] {x1, w1, x2, w2}) {
                a.setRequiresGradient(true);
            }
            float reference;
            float fused;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = TokenCrossEntropy.fromLogits(x1.matMul(w1.transpose()), labels, mask);
                gc.backward(l);
                reference = l.getFloat();
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = TokenCrossEntropy.ofLinearHead(x2, w2, labels, mask);
                gc.backward(l);
                fused = l.getFloat();
            }
            assertEquals(reference, fused, 1e-5);
            assertClose(x1.getGradient().toFloatArray(), x2.getGradient().toFloatArray(), "dL/dx");
            assertClose(w1.getGradient().toFloatArray(), w2.getGradient().toFloatArray(), "dL/dw");
            // masked positions get no gradient
            float[] gx = x2.getGradient().toFloatArray();
            for (int k = 0; k < d; k++) {
                assertEquals(0f, gx[3 * d + k], "masked position 3");
            }
        }
    }

    /** The model's fused loss gives every parameter the gradient of decode + log-softmax. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void t5ResponseLossEqualsTheDefaultThroughLogits(boolean tied) {
        Map<String, float[]> viaLogits = gradients(tied, false);
        Map<String, float[]> fused = gradients(tied, true);
        assertEquals(viaLogits.keySet(), fused.keySet());
        for (String name : viaLogits.keySet()) {
            assertClose(viaLogits.get(name), fused.get(name), name);
        }
        assertEquals(viaLogits.get("loss")[0], fused.get("loss")[0], 1e-5);
    }

    private static Map<String, float[]> gradients(boolean tied, boolean fused) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (T5Model model = T5Model.create(T5ModelTest.tiny(false, tied), 11); NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(new int[] {5, 6, 7, 8, 1, 9, 4, 1, 0, 0}, new Shape(2, 5));
            NDArray mask = m.create(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 5));
            NDArray dec = m.create(new int[] {0, 3, 4, 0, 2, 0}, new Shape(2, 3));
            NDArray labels = m.create(new long[] {3, 4, 1, 2, 1, 0}, new Shape(2, 3));
            NDArray lmask = m.create(new float[] {1, 1, 1, 1, 1, 0}, new Shape(2, 3)).toType(DataType.FLOAT32, false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray hidden = model.encode(in, mask, false);
                NDArray l = fused
                        ? model.responseLoss(hidden, mask, dec, labels, lmask, false)
                        : TokenCrossEntropy.fromLogits(model.decode(hidden, mask, dec, false), labels, lmask);
                gc.backward(l);
                out.put("loss", new float[] {l.getFloat()});
            }
            for (Map.Entry<String, Parameter> e : model.parametersByName().entrySet()) {
                NDArray g = e.getValue().getArray().getGradient();
                assertNotNull(g, e.getKey());
                out.put(e.getKey(), g.toFloatArray());
            }
        }
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 + 1e-4 * scale, what + "[" + i + "]");
        }
    }
}
