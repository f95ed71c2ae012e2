package dev.siit.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {
    @Test
    void firstStepMovesEveryWeightByLrTimesTheGradientSignAfterDecay() {
        try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(m, 0.9, 0.999, 1e-8, 0.1)) {
            NDArray w = m.create(new float[] {1f, -2f}, new Shape(1, 2));
            NDArray b = m.create(new float[] {1f, -2f}, new Shape(2)); // rank 1: a bias, no decay
            NDArray g = m.create(new float[] {0.5f, -1f}, new Shape(1, 2));
            NDArray gb = m.create(new float[] {0.5f, -1f}, new Shape(2));
            opt.step(List.of(new TrainableParameter("w", w, g), new TrainableParameter("b", b, gb)), 0.1, 1.0);
            // step 1: m_hat = g, v_hat = g^2 -> update = lr * g / (|g| + eps) = 0.1 * sign(g)
            // w: (1, -2) * (1 - 0.1 * 0.1) = (0.99, -1.98), then -/+ 0.1
            assertArrayEquals(new float[] {0.89f, -1.88f}, w.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.9f, -1.9f}, b.toFloatArray(), 1e-6f);
            assertEquals(1, opt.stepCount());
        }
    }

    @Test
    void decayAllRuleDecaysBiasesTooInEitherArithmetic() {
        try (NDManager m = NDManager.newBaseManager();
             AdamW opt = new AdamW(m, 0.9, 0.999, 1e-8, 0.1, AdamW.DECAY_ALL, AdamW.Arithmetic.CORRECTED_MOMENTS)) {
            NDArray b = m.create(new float[] {1f, -2f}, new Shape(2));
            NDArray gb = m.create(new float[] {0.5f, -1f}, new Shape(2));
            opt.step(List.of(new TrainableParameter("layer_norm.bias", b, gb)), 0.1, 1.0);
            // as the weight above: (1, -2) * (1 - 0.1 * 0.1) - 0.1 * sign(g)
            assertArrayEquals(new float[] {0.89f, -1.88f}, b.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void twoStepsMatchAScalarReimplementationWithClippingScale() {
        double lr1 = 0.01;
        double lr2 = 0.005;
        double wd = 0.05;
        double b1 = 0.8;
        double b2 = 0.99;
        double eps = 1e-6;
        float[] w0 = {0.3f, -0.7f, 1.1f, 0.0f};
        float[] g1 = {0.2f, 0.4f, -0.6f, 1.0f};
        float[] g2 = {-0.1f, 0.3f, 0.5f, -0.2f};
        double scale2 = 0.5;
        float[] expected = new float[4];
        for (int i = 0; i < 4; i++) { // torch.optim.AdamW written out per element
            double p = w0[i];
            double mm = 0;
            double vv = 0;
            double[] gs = {g1[i], g2[i] * scale2};
            double[] lrs = {lr1, lr2};
            for (int t = 1; t <= 2; t++) {
                double g = gs[t - 1];
                double lr = lrs[t - 1];
                p *= 1 - lr * wd;
                mm = b1 * mm + (1 - b1) * g;
                vv = b2 * vv + (1 - b2) * g * g;
                double denom = Math.sqrt(vv) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                p -= lr / (1 - Math.pow(b1, t)) * mm / denom;
            }
            expected[i] = (float) p;
        }
        for (AdamW.Arithmetic arithmetic : AdamW.Arithmetic.values()) { // same maths, other rounding
            try (NDManager m = NDManager.newBaseManager();
                 AdamW opt = new AdamW(m, b1, b2, eps, wd, AdamW::decays, arithmetic)) {
                NDArray w = m.create(w0, new Shape(2, 2));
                opt.step(List.of(new TrainableParameter("layer.weight", w, m.create(g1, new Shape(2, 2)))), lr1, 1.0);
                opt.step(List.of(new TrainableParameter("layer.weight", w, m.create(g2, new Shape(2, 2)))), lr2, scale2);
                assertArrayEquals(expected, w.toFloatArray(), 1e-6f, arithmetic.name());
                // gradients are inputs only
                assertEquals(2, opt.stepCount());
            }
        }
    }

    @Test
    void noDecayOnNormsAndBiases() {
        assertTrue(AdamW.decays("encoder.block.0.layer.0.SelfAttention.q.weight", new Shape(384, 128)));
        assertTrue(AdamW.decays("shared.weight", new Shape(32128, 128)));
        assertFalse(AdamW.decays("encoder.block.0.layer.0.layer_norm.weight", new Shape(128)));
        assertFalse(AdamW.decays("encoder.final_layer_norm.weight", new Shape(128)));
        assertFalse(AdamW.decays("dense_bias", new Shape(4, 4)));
        assertFalse(AdamW.decays("anything", new Shape(7)));
    }
}
