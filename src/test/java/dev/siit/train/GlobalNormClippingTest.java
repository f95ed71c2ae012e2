package dev.siit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class GlobalNormClippingTest {
    @Test
    void normIsOverAllParametersTogether() {
        try (NDManager m = NDManager.newBaseManager()) {
            // (3, 4) and (12): per-tensor norms 5 and 12, global sqrt(25 + 144) = 13
            double norm = GlobalNormClipping.totalNorm(List.of(m.create(new float[] {3, 4}, new Shape(1, 2)),
                    m.create(new float[] {12}, new Shape(1))));
            assertEquals(13.0, norm, 1e-6);
            assertEquals(1.0 / (13.0 + 1e-6), GlobalNormClipping.scale(norm, 1.0), 1e-12);
            assertEquals(1.0, GlobalNormClipping.scale(norm, 20.0));
            assertEquals(1.0, GlobalNormClipping.scale(norm, 0.0)); // disabled
            // after scaling, the global norm is the limit and every gradient keeps its direction:
            // (3, 4, 12) * 1/13 = (0.2308, 0.3077, 0.9231), unlike element-wise clipping to 1 -> (1, 1, 1)
            double s = GlobalNormClipping.scale(norm, 1.0);
            assertEquals(1.0, Math.sqrt(9 * s * s + 16 * s * s + 144 * s * s), 1e-6);
        }
    }
}
