package dev.siit.ids.rqvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.siit.ids.KMeans;
import dev.siit.optim.FreedMemoryPoison;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RqVaeTrainerTest {

    /**
     * n points in dim 16, each the sum of three parts picked from three banks of 8 random
     * vectors of decreasing scale, plus noise: residual structure a 3-level quantiser can use.
     */
    static float[][] synthetic(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int dim = 16;
        double[][][] banks = new double[3][8][dim];
        for (int b = 0; b < 3; b++) {
            for (int k = 0; k < 8; k++) {
                for (int d = 0; d < dim; d++) {
                    banks[b][k][d] = r.nextGaussian() / (1 << b);
                }
            }
        }
        float[][] x = new float[n][dim];
        for (int i = 0; i < n; i++) {
            int[] pick = {r.nextInt(8), r.nextInt(8), r.nextInt(8)};
            for (int d = 0; d < dim; d++) {
                double v = 0.01 * r.nextGaussian();
                for (int b = 0; b < 3; b++) {
                    v += banks[b][pick[b]][d];
                }
                x[i][d] = (float) v;
            }
        }
        return x;
    }

    static RqVaeConfig small(int levels, int epochs) {
        return new RqVaeConfig(levels, 8, 8, List.of(32), epochs, 60, 1e-2, 1e-4, 0.25, 0, 0.7, 0, 2, null, 25);
    }

    @Test
    void threeLevelsReconstructBetterThanASingleLevelQuantiser() {
        float[][] x = synthetic(300, 1);
        RqVaeTrainer.Result rq = RqVaeTrainer.train(x, null, small(3, 60), Device.cpu(), 5, false);
        // single-level quantiser with the same 8 codes: k-means on the raw embeddings, the best a
        // one-level codebook can do for squared error
        double[][] xd = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int d = 0; d < x[0].length; d++) {
                xd[i][d] = x[i][d];
            }
        }
        KMeans km = KMeans.fit(xd, 8, 5, 100, new SplittableRandom(3));
        double single = km.inertia() / (x.length * (double) x[0].length);
        assertTrue(rq.reconstruction() < 0.7 * single,
                "RQ-VAE reconstruction " + rq.reconstruction() + " vs single-level " + single);
        assertEquals(300, rq.codes().length);
        assertEquals(3, rq.codes()[0].length);
    }

    @Test
    void sameSeedSameCodes() {
        float[][] x = synthetic(200, 2);
        RqVaeTrainer.Result a = RqVaeTrainer.train(x, null, small(2, 10), Device.cpu(), 9, false);
        RqVaeTrainer.Result b = RqVaeTrainer.train(x, null, small(2, 10), Device.cpu(), 9, false);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(a.codes()[i], b.codes()[i]);
        }
        assertEquals(a.reconstruction(), b.reconstruction(), 0.0);
    }

    @Test
    void codesDoNotDependOnWhenTheGarbageCollectorRuns() throws Exception {
        // every loss term (reconstruction, quantisation, InfoNCE, diversity): before their constants
        // were engine-owned, a collection between forward and backward made the gradients NaN
        float[][] x = synthetic(120, 3);
        float[][] cf = synthetic(120, 4);
        RqVaeConfig c = new RqVaeConfig(2, 4, 8, List.of(16), 6, 40, 1e-2, 1e-4, 0.25, 0.5, 0.7, 0.1, 2, null, 3);
        RqVaeTrainer.Result quiet = RqVaeTrainer.train(x, cf, c, Device.cpu(), 11, false);
        RqVaeTrainer.Result collected;
        try (AutoCloseable poison = FreedMemoryPoison.continuously()) {
            collected = RqVaeTrainer.train(x, cf, c, Device.cpu(), 11, false);
        }
        assertTrue(Double.isFinite(quiet.reconstruction()), "reconstruction " + quiet.reconstruction());
        assertEquals(quiet.reconstruction(), collected.reconstruction(), 0.0);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(quiet.codes()[i], collected.codes()[i]);
        }
    }
}
