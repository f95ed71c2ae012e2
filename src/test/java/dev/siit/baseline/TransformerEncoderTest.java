package dev.siit.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.siit.optim.FreedMemoryPoison;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransformerEncoderTest {
    private static final int LEN = 5;
    private static final int D = 8;

    /**
     * The regression test of the BERT4Rec NaN on ml-100k. DJL's {@code x.div(Number)} wraps the
     * number in a scalar tensor backed by a Java direct buffer and closes it right after the op;
     * PyTorch's autograd keeps a pointer to that memory for the backward pass (d(a/s)/da = 1/s).
     * Once the garbage collector frees the buffer, backward divides by whatever the allocator
     * wrote there: wrong, often non-finite gradients, and only when a GC happens to fall between
     * forward and backward (which is why the divergence came and went between runs). Here a GC
     * is forced at exactly that point and the freed small blocks are refilled with NaN.
     */
    @Test
    void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        float[] reference = queryWeightGradient(false);
        float[] afterGc = queryWeightGradient(true);
        for (int i = 0; i < reference.length; i++) {
            assertTrue(Float.isFinite(afterGc[i]), "gradient " + i + " is " + afterGc[i] + " after a GC");
            assertEquals(reference[i], afterGc[i], 1e-6 + 1e-4 * Math.abs(reference[i]), "gradient " + i);
        }
        double norm = 0;
        for (float g : reference) {
            norm += g * g;
        }
        assertTrue(norm > 1e-8, "the test needs a non-zero gradient through the attention scores: " + norm);
    }

    /** d(sum(c * encoder(x)))/d(W_q) of layer 0, with fresh, identically seeded weights. */
    private static float[] queryWeightGradient(boolean collectGarbageBeforeBackward) throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelWeights w = new ModelWeights(m, new SplittableRandom(11));
            TransformerEncoder encoder = new TransformerEncoder(w, "enc", 1, D, 2, 16, 0.0, 0.0, true, 0.3);
            SplittableRandom r = new SplittableRandom(12);
            float[] x = new float[2 * LEN * D];
            float[] c = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() * 2 - 1);
                c[i] = (float) (r.nextDouble() * 2 - 1);
            }
            // row 0 has all LEN keys, row 1 only the first 3 (padding mask -1e9 on the rest)
            PaddedSequences lengths = PaddedSequences.of(List.of(new int[LEN], new int[3]));
            try (NDScope scope = new NDScope();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray input = m.create(x, new Shape(2, LEN, D));
                NDArray out = encoder.forward(input, lengths.keyPaddingMask(m), false);
                NDArray objective = out.mul(m.create(c, new Shape(2, LEN, D))).sum();
                List<ByteBuffer> filler = collectGarbageBeforeBackward ? FreedMemoryPoison.once() : List.of();
                gc.backward(objective);
                float[] g = w.get("enc.l0.q.weight").getGradient().toFloatArray();
                Reference.reachabilityFence(filler); // the NaN blocks stay allocated until after backward
                return g;
            }
        }
    }
}
