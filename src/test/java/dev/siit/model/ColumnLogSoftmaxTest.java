package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.siit.model.ColumnLogSoftmax.RowPass;
import dev.siit.run.CpuInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColumnLogSoftmaxTest {

    @Test
    void kernelIsBuiltAndLoaded() {
        // Maven's compile phase builds it (src/main/native/build.sh); without it decoding is slower
        assertTrue(ColumnLogSoftmax.nativeAvailable(), "JNI kernel not loaded: " + ColumnLogSoftmax.loadError());
    }

    @Test
    void theWidestIntrinsicsPassRunsThatTheCpuHas() {
        CpuInfo cpu = CpuInfo.current();
        // /proc/cpuinfo's flags list fma beside avx2 on every CPU that has both; the kernel checks both
        RowPass want = cpu.avx512f() ? RowPass.AVX512 : cpu.avx2() ? RowPass.AVX2 : RowPass.GENERIC;
        assertEquals(want, ColumnLogSoftmax.nativeVariant(), cpu.describe());
    }

    /** Every row pass this CPU runs, the fastest first. */
    private static List<RowPass> passesHere() {
        List<RowPass> passes = new ArrayList<>();
        for (int p = ColumnLogSoftmax.nativeVariant().ordinal(); p >= 0; p--) {
            passes.add(RowPass.values()[p]);
        }
        return passes;
    }

    @Test
    void everyRowPassEqualsDoublesOnRowsSpanningHundredsOfNats() {
        // rows whose logits spread over -300..300: most exp arguments lie below -87, where glibc's
        // vector expf takes its scalar path and our exp clamps; 5,003 columns leave a tail of 11 after
        // turns of 16 (AVX2) or 32 (AVX-512) floats
        SplittableRandom rng = new SplittableRandom(11);
        int n = 37;
        int v = 5003;
        float[] x = new float[n * v];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((rng.nextDouble() - 0.5) * (i / v % 2 == 0 ? 600 : 8));
        }
        x[3 * v + v - 1] = 400; // a row whose max sits in the tail
        int[] columns = {0, 1, 17, 4999, v - 1, 2500};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(x, new Shape(n, v));
            for (RowPass pass : passesHere()) {
                float[] got = ColumnLogSoftmax.viaKernel(logits, columns, pass).toFloatArray();
                for (int r = 0; r < n; r++) {
                    double lse = logSumExpInDoubles(x, r, v);
                    for (int c = 0; c < columns.length; c++) {
                        double want = x[r * v + columns[c]] - lse;
                        // float (x - max) rounds to ulp(600) = 6e-5; the rest is a few ulps of log(sum)
                        assertEquals(want, got[r * columns.length + c], 1e-5 + 1e-7 * Math.abs(want),
                                pass.label() + " pass, row " + r + ", column " + columns[c]);
                    }
                }
            }
        }
    }

    @Test
    void everyRowPassReportsNonFiniteValuesInsideTheVectorLoop() {
        int v = 40; // AVX2: two turns of 16 floats and a tail of 8; AVX-512: one turn of 32, a masked tail of 8
        try (NDManager m = NDManager.newBaseManager()) {
            for (int at : new int[] {0, 5, 12, 21, 27, 35}) { // both vectors of a turn, and the tail
                for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                    float[] x = new float[2 * v];
                    x[v + at] = bad;
                    NDArray logits = m.create(x, new Shape(2, v));
                    for (RowPass pass : passesHere()) {
                        assertNull(ColumnLogSoftmax.viaKernel(logits, new int[] {0}, pass),
                                bad + " at column " + at + " (" + pass.label() + " pass)");
                    }
                }
            }
        }
    }

    @Test
    void handComputedRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            float ln2 = (float) Math.log(2);
            float ln3 = (float) Math.log(3);
            // row 0: probabilities 1/6, 2/6, 3/6; row 1: uniform over 3; row 2: the first shifted by 1000
            NDArray logits = m.create(new float[] {0, ln2, ln3, 5, 5, 5, 1000, 1000 + ln2, 1000 + ln3}, new Shape(3, 3));
            int[] columns = {2, 0};
            assertTrue(ColumnLogSoftmax.usesKernel(logits));
            float[] got = ColumnLogSoftmax.apply(logits, m.create(columns), columns).toFloatArray();
            // row 2 from its float-rounded inputs (ulp(1000) = 6e-5): a shift must not overflow exp
            float a = 1000;
            float b = 1000 + ln2;
            float c = 1000 + ln3;
            double lse = a + Math.log(1 + Math.exp((double) b - a) + Math.exp((double) c - a));
            double[] want = {Math.log(3.0 / 6), Math.log(1.0 / 6), Math.log(1.0 / 3), Math.log(1.0 / 3),
                c - lse, a - lse};
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5, "element " + i);
            }
        }
    }

    @Test
    void equalsLibtorchOnWideRowsSplitOverThreads() {
        // 1,283 rows (not a multiple of the thread count) x 5,003 columns, logits of spread -60..60
        SplittableRandom rng = new SplittableRandom(7);
        int n = 1283;
        int v = 5003;
        float[] x = new float[n * v];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * 4 + (i % v == 17 ? 60 : 0) - (i / v % 5 == 0 ? 60 : 0));
        }
        int[] columns = {0, 1, 17, 4999, v - 1, 2500, 3};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(x, new Shape(n, v));
            NDArray index = m.create(columns);
            NDArray kernel = ColumnLogSoftmax.viaKernel(logits, columns);
            float[] want = ColumnLogSoftmax.viaEngine(logits, index).toFloatArray();
            float[] got = kernel.toFloatArray();
            assertEquals(new Shape(n, columns.length), kernel.getShape());
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 2e-5 * Math.max(1, Math.abs(want[i])), "element " + i);
            }
            // and an independent double-precision computation for a few rows
            for (int r : new int[] {0, 641, n - 1}) {
                double lse = logSumExpInDoubles(x, r, v);
                for (int c = 0; c < columns.length; c++) {
                    assertEquals(x[r * v + columns[c]] - lse, got[r * columns.length + c], 1e-4, "row " + r);
                }
            }
        }
    }

    @Test
    void nonContiguousLogitsAreReadInTheirLogicalOrder() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray stored = m.randomNormal(new Shape(40, 30)); // (V, N)
            NDArray logits = stored.transpose(); // (N, V) view, not contiguous
            int[] columns = {39, 0, 5};
            float[] want = ColumnLogSoftmax.viaEngine(logits, m.create(columns)).toFloatArray();
            float[] got = ColumnLogSoftmax.apply(logits, m.create(columns), columns).toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5, "element " + i);
            }
        }
    }

    @Test
    void nonFiniteRowsAreLeftToLibtorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {0, 1, 2, Float.NaN, 1, 2, Float.POSITIVE_INFINITY, 0, 0},
                    new Shape(3, 3));
            int[] columns = {0, 2};
            assertNull(ColumnLogSoftmax.viaKernel(logits, columns), "the kernel must refuse non-finite rows");
            float[] got = ColumnLogSoftmax.apply(logits, m.create(columns), columns).toFloatArray();
            float[] want = ColumnLogSoftmax.viaEngine(logits, m.create(columns)).toFloatArray();
            assertEquals((float) (0 - Math.log(1 + Math.E + Math.E * Math.E)), got[0], 1e-5);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-6, "element " + i); // NaN equals NaN here
            }
            assertTrue(Float.isNaN(got[2]) && Float.isNaN(got[3]), "a NaN row stays NaN");
        }
    }

    @Test
    void columnsOutsideTheVocabularyAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.zeros(new Shape(2, 4));
            assertThrows(IllegalArgumentException.class, () -> ColumnLogSoftmax.viaKernel(logits, new int[] {4}));
            assertThrows(IllegalArgumentException.class, () -> ColumnLogSoftmax.viaKernel(logits, new int[] {-1}));
        }
    }

    /** log sum_j exp(x[r, j]) of row r of a row-major (N, v) array, computed in doubles. */
    private static double logSumExpInDoubles(float[] x, int r, int v) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, x[r * v + j]);
        }
        double sum = 0;
        for (int j = 0; j < v; j++) {
            sum += Math.exp(x[r * v + j] - max);
        }
        return max + Math.log(sum);
    }
}
