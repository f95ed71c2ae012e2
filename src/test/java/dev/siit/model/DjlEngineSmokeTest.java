package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class DjlEngineSmokeTest {
    @Test
    void pytorchEngineLoadsOfflineAndMultiplies() {
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray b = a.matMul(a); // [[7,10],[15,22]]
            assertEquals(22f, b.getFloat(1, 1));
        }
    }
}
