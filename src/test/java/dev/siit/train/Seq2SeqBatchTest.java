package dev.siit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.siit.model.TokenCrossEntropy;
import java.util.List;
import org.junit.jupiter.api.Test;

class Seq2SeqBatchTest {
    @Test
    void padsToTheLongestOfTheBatchAndShiftsTheTarget() {
        List<Seq2SeqExample> ex = List.of(
                new Seq2SeqExample(new int[] {7, 8, 9, 1}, new int[] {20, 21, 1}),
                new Seq2SeqExample(new int[] {5, 1}, new int[] {22, 23, 24, 1}));
        Seq2SeqBatch b = Seq2SeqBatch.of(ex, 0, 0);
        assertEquals(4, b.inputLength());
        assertEquals(4, b.targetLength());
        assertArrayEquals(new int[] {7, 8, 9, 1, 5, 1, 0, 0}, b.inputIds());
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 0, 0}, b.inputMask());
        assertArrayEquals(new int[] {0, 20, 21, 0, 0, 22, 23, 24}, b.decoderInput());
        assertArrayEquals(new int[] {20, 21, 1, 0, 22, 23, 24, 1}, b.labels());
        assertArrayEquals(new float[] {1, 1, 1, 0, 1, 1, 1, 1}, b.labelMask());
        assertEquals(7, b.responseTokens());
        // a batch of short examples only is padded to its own longest, not to a global length
        Seq2SeqBatch small = Seq2SeqBatch.of(List.of(ex.get(1)), 0, 0);
        assertEquals(2, small.inputLength());
    }

    @Test
    void lossAveragesOnlyResponseTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            // B=1, T=3, V=2; the third position is padding and has absurd logits that must not count
            NDArray logits = m.create(new float[] {0, 0, 2, 0, 100, -100}, new Shape(1, 3, 2));
            NDArray labels = m.create(new long[] {0, 1, 1}, new Shape(1, 3));
            NDArray mask = m.create(new float[] {1, 1, 0}, new Shape(1, 3));
            double l0 = Math.log(2); // -log softmax([0,0])[0]
            double l1 = -(0 - Math.log(Math.exp(2) + 1)); // -log softmax([2,0])[1]
            assertEquals((l0 + l1) / 2, TokenCrossEntropy.fromLogits(logits, labels, mask).getFloat(), 1e-5);
        }
    }
}
