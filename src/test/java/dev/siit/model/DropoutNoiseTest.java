package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DropoutNoiseTest {

    private static float[] dropOnes(DropoutNoise noise, NDManager m, int n, float rate) {
        return noise.apply(m.ones(new Shape(n)), rate).toFloatArray();
    }

    @Test
    void keepsOrScalesEveryElementAtTheRequestedRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 400_000; // several 64Ki chunks, the last one partial
            float[] y = dropOnes(new DropoutNoise(7), m, n, 0.1f);
            int kept = 0;
            for (float v : y) {
                if (v != 0f) {
                    assertEquals(1f / 0.9f, v, 1e-6f);
                    kept++;
                }
            }
            // binomial(400000, 0.9): sd = 190, so +-5 sd around 360000
            assertEquals(360_000, kept, 950);
        }
    }

    @Test
    void sameSeedSameMasksAndReseedRestarts() {
        try (NDManager m = NDManager.newBaseManager()) {
            DropoutNoise a = new DropoutNoise(3);
            DropoutNoise b = new DropoutNoise(3);
            float[] a1 = dropOnes(a, m, 70_000, 0.3f);
            float[] a2 = dropOnes(a, m, 70_000, 0.3f);
            assertArrayEquals(a1, dropOnes(b, m, 70_000, 0.3f));
            assertFalse(Arrays.equals(a1, a2), "consecutive calls draw new masks");
            a.reseed(3);
            assertArrayEquals(a1, dropOnes(a, m, 70_000, 0.3f));
            assertFalse(Arrays.equals(a1, dropOnes(new DropoutNoise(4), m, 70_000, 0.3f)));
        }
    }

    @Test
    void gradientIsTheMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(1f, 1001f);
            x.setRequiresGradient(true);
            float[] y;
            try (var gc = m.getEngine().newGradientCollector()) {
                NDArray out = new DropoutNoise(11).apply(x, 0.5f);
                y = out.toFloatArray();
                gc.backward(out.sum());
            }
            float[] g = x.getGradient().toFloatArray();
            for (int i = 0; i < y.length; i++) {
                boolean kept = y[i] != 0f;
                assertEquals(kept ? 2f * (i + 1) : 0f, y[i], 1e-4f);
                assertEquals(kept ? 2f : 0f, g[i], 1e-6f);
            }
        }
    }

    @Test
    void rateZeroIsIdentity() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(5));
            assertSame(x, new DropoutNoise(1).apply(x, 0f));
        }
    }
}
