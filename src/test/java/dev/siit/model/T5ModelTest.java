package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.siit.io.InputException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class T5ModelTest {
    static final float TOL = 1e-5f;

    /** vocab 50, d 16, 2 heads of 4 (inner 8 != d, to catch transposed weights), d_ff 32, 2+3 layers. */
    static T5Config tiny(boolean gated, boolean tied) {
        return new T5Config(50, 16, 4, 32, 2, 3, 2, 8, 20, 0.1, 1e-6,
                gated ? T5Config.GATED_GELU : T5Config.RELU, tied, 1.0, 0, 1, 0);
    }

    static NDArray ids(NDManager m, int[][] rows) {
        int cols = rows[0].length;
        int[] flat = new int[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return m.create(flat, new Shape(rows.length, cols));
    }

    static void assertClose(NDArray expected, NDArray actual, float tol) {
        assertEquals(expected.getShape(), actual.getShape());
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * Math.max(1f, Math.abs(e[i])), "index " + i);
        }
    }

    @Test
    void shapesAndParameters() {
        try (T5Model model = T5Model.create(tiny(false, true), 1); NDManager m = NDManager.newBaseManager()) {
            NDArray in = ids(m, new int[][] {{5, 6, 7, 8, 1, 0, 0}, {9, 10, 11, 12, 13, 14, 1}});
            NDArray mask = in.neq(0).toType(ai.djl.ndarray.types.DataType.INT32, false);
            NDArray hidden = model.encode(in, mask, false);
            assertEquals(new Shape(2, 7, 16), hidden.getShape());
            NDArray logits = model.decode(hidden, mask, ids(m, new int[][] {{0, 3, 4, 5}, {0, 6, 7, 1}}), false);
            assertEquals(new Shape(2, 4, 50), logits.getShape());
            assertSame(m, logits.getManager());
            // every parameter is a DJL parameter of the block, each listed once in the HF table
            int blockParams = model.block().getParameters().size();
            assertEquals(model.parametersByName().size(), blockParams);
            // tied: shared + enc 2*(4 attn + 2 norms + 2 ff) + 1 bias + 1 final
            //       + dec 3*(8 attn + 3 norms + 2 ff) + 1 bias + 1 final
            assertEquals(1 + (2 * 8 + 2) + (3 * 13 + 2), blockParams);
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                assertTrue(p.getValue().isInitialized(), p.getKey());
                assertTrue(p.getValue().requiresGradient(), p.getKey());
            }
        }
    }

    private static void assertSame(NDManager expected, NDManager actual) {
        assertTrue(expected == actual, "result must be attached to the input's manager");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void paddingDoesNotChangeRealPositions(boolean gated) {
        try (T5Model model = T5Model.create(tiny(gated, !gated), 2); NDManager m = NDManager.newBaseManager()) {
            NDArray shortIn = ids(m, new int[][] {{5, 6, 7, 8, 1}});
            NDArray shortMask = m.ones(new Shape(1, 5)).toType(ai.djl.ndarray.types.DataType.INT32, false);
            // the same row padded with arbitrary ids (not just 0) and mask 0, next to a longer row
            NDArray padIn = ids(m, new int[][] {{5, 6, 7, 8, 1, 33, 44, 0}, {9, 8, 7, 6, 5, 4, 3, 1}});
            NDArray padMask = ids(m, new int[][] {{1, 1, 1, 1, 1, 0, 0, 0}, {1, 1, 1, 1, 1, 1, 1, 1}});
            NDArray h1 = model.encode(shortIn, shortMask, false);
            NDArray h2 = model.encode(padIn, padMask, false);
            assertClose(h1.get(0), h2.get("0,0:5"), TOL);
            NDArray dec = ids(m, new int[][] {{0, 3, 4}});
            NDArray dec2 = ids(m, new int[][] {{0, 3, 4}, {0, 9, 9}});
            assertClose(model.decode(h1, shortMask, dec, false).get(0),
                    model.decode(h2, padMask, dec2, false).get(0), TOL);
            // padding the decoder input on the right does not change earlier positions either
            NDArray decPadded = ids(m, new int[][] {{0, 3, 4, 0, 0}});
            assertClose(model.decode(h1, shortMask, dec, false).get(0),
                    model.decode(h1, shortMask, decPadded, false).get("0,0:3"), TOL);
        }
    }

    @Test
    void fullyPaddedRowStaysFinite() {
        try (T5Model model = T5Model.create(tiny(false, true), 3); NDManager m = NDManager.newBaseManager()) {
            NDArray in = ids(m, new int[][] {{0, 0, 0}});
            NDArray mask = ids(m, new int[][] {{0, 0, 0}});
            NDArray logits = model.decode(model.encode(in, mask, false), mask, ids(m, new int[][] {{0, 2}}), false);
            for (float f : logits.toFloatArray()) {
                assertTrue(Float.isFinite(f));
            }
        }
    }

    @Test
    void futureDecoderTokensDoNotChangeEarlierLogits() {
        try (T5Model model = T5Model.create(tiny(true, false), 4); NDManager m = NDManager.newBaseManager()) {
            NDArray in = ids(m, new int[][] {{5, 6, 7, 1}});
            NDArray mask = ids(m, new int[][] {{1, 1, 1, 1}});
            NDArray h = model.encode(in, mask, false);
            NDArray a = model.decode(h, mask, ids(m, new int[][] {{0, 3, 4, 5, 6}}), false);
            NDArray b = model.decode(h, mask, ids(m, new int[][] {{0, 3, 4, 17, 29}}), false);
            assertClose(a.get("0,0:3"), b.get("0,0:3"), 0f);
            // and the changed positions do change (the test would pass trivially otherwise)
            assertFalse(a.get("0,3:").allClose(b.get("0,3:")));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void cachedStepsEqualTeacherForcedDecoding(boolean gated) {
        try (T5Model model = T5Model.create(tiny(gated, gated), 5); NDManager m = NDManager.newBaseManager()) {
            NDArray in = ids(m, new int[][] {{5, 6, 7, 8, 1}, {9, 10, 1, 0, 0}});
            NDArray mask = ids(m, new int[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
            NDArray h = model.encode(in, mask, false);
            int[][] prefix = {{0, 11, 12, 13}, {0, 21, 22, 23}};
            NDArray full = model.decode(h, mask, ids(m, prefix), false); // (2, 4, V)
            try (Seq2SeqModel.DecoderCache cache = model.newCache(h, mask)) {
                for (int t = 0; t < 3; t++) {
                    NDArray tokens = m.create(new int[] {prefix[0][t], prefix[1][t]});
                    NDArray step = model.step(cache, tokens); // (2, V)
                    assertEquals(t + 1, cache.length());
                    assertClose(full.get(new NDIndex(":, {}", t)), step, 1e-4f);
                }
                // reorder and expand rows: (row1, row0, row0) and continue both
                cache.select(m.create(new int[] {1, 0, 0}));
                NDArray step = model.step(cache, m.create(new int[] {prefix[1][3], prefix[0][3], 40}));
                assertClose(full.get("1,3"), step.get(0), 1e-4f);
                assertClose(full.get("0,3"), step.get(1), 1e-4f);
                int[][] other = {{0, 11, 12, 40}};
                NDArray expected = model.decode(h.get("0:1"), mask.get("0:1"), ids(m, other), false);
                assertClose(expected.get("0,3"), step.get(2), 1e-4f);
            }
        }
    }

    /** The column-restricted step computes exactly those logits of the full step, tied or not. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void stepOverSomeColumnsEqualsThoseColumnsOfTheFullStep(boolean tied) {
        try (T5Model model = T5Model.create(tiny(false, tied), 12); NDManager m = NDManager.newBaseManager()) {
            NDArray in = ids(m, new int[][] {{5, 6, 7, 8, 1}, {9, 10, 1, 0, 0}});
            NDArray mask = ids(m, new int[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
            NDArray h = model.encode(in, mask, false);
            int[] columns = {1, 7, 30, 49};
            try (Seq2SeqModel.DecoderCache a = model.newCache(h, mask);
                 Seq2SeqModel.DecoderCache b = model.newCache(h, mask)) {
                for (int[] tokens : new int[][] {{0, 0}, {11, 21}, {12, 22}}) {
                    float[] full = model.step(a, m.create(tokens)).toFloatArray(); // (2, V)
                    float[] some = model.step(b, m.create(tokens), m.create(columns)).toFloatArray(); // (2, 4)
                    for (int r = 0; r < 2; r++) {
                        for (int c = 0; c < columns.length; c++) {
                            assertEquals(full[r * 50 + columns[c]], some[r * columns.length + c], 1e-5);
                        }
                    }
                }
            }
        }
    }

    /** The beam-search layout (g rows per input) shares the encoder keys instead of copying them. */
    @Test
    void cachedStepsWithBeamsPerInputEqualTeacherForcedDecoding() {
        try (T5Model model = T5Model.create(tiny(false, false), 7); NDManager m = NDManager.newBaseManager()) {
            NDArray in = ids(m, new int[][] {{5, 6, 7, 8, 1}, {9, 10, 1, 0, 0}});
            NDArray mask = ids(m, new int[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}});
            NDArray h = model.encode(in, mask, false);
            // three beams per input; beams of input 0 then input 1, as ConstrainedBeamSearch lays them out
            int[][] beams = {{0, 11, 12}, {0, 13, 14}, {0, 15, 16}, {0, 21, 22}, {0, 23, 24}, {0, 25, 26}};
            NDArray expected = model.decode(h.repeat(0, 3), mask.repeat(0, 3), ids(m, beams), false); // (6, 3, V)
            try (Seq2SeqModel.DecoderCache cache = model.newCache(h, mask)) {
                model.step(cache, m.create(new int[] {0, 0}));
                cache.select(m.create(new int[] {0, 0, 0, 1, 1, 1})); // expand to 2 x 3 rows
                for (int t = 1; t < 3; t++) {
                    int[] tokens = new int[beams.length];
                    for (int r = 0; r < beams.length; r++) {
                        tokens[r] = beams[r][t];
                    }
                    NDArray step = model.step(cache, m.create(tokens)); // (6, V)
                    assertClose(expected.get(new NDIndex(":, {}", t)), step, 1e-4f);
                }
                // reorder beams inside each input (still grouped): rows (2, 0, 1, 5, 3, 4)
                cache.select(m.create(new int[] {2, 0, 1, 5, 3, 4}));
                NDArray step = model.step(cache, m.create(new int[] {40, 41, 42, 43, 44, 45}));
                int[] order = {2, 0, 1, 5, 3, 4};
                for (int r = 0; r < 6; r++) {
                    int[][] path = {{beams[order[r]][0], beams[order[r]][1], beams[order[r]][2], 40 + r}};
                    int input = order[r] / 3;
                    NDArray full = model.decode(h.get(input + ":" + (input + 1)), mask.get(input + ":" + (input + 1)),
                            ids(m, path), false);
                    assertClose(full.get("0,3"), step.get(r), 1e-4f);
                }
            }
        }
    }

    @Test
    void sameSeedSameWeightsAndDifferentSeedDifferent() {
        try (T5Model a = T5Model.create(tiny(false, false), 42);
             T5Model b = T5Model.create(tiny(false, false), 42);
             T5Model c = T5Model.create(tiny(false, false), 43)) {
            Map<String, Parameter> pa = a.parametersByName();
            Map<String, Parameter> pb = b.parametersByName();
            Map<String, Parameter> pc = c.parametersByName();
            for (String name : pa.keySet()) {
                assertArrayEquals(pa.get(name).getArray().toFloatArray(), pb.get(name).getArray().toFloatArray(), name);
            }
            assertFalse(pa.get("shared.weight").getArray().allClose(pc.get("shared.weight").getArray()));
        }
    }

    @Test
    void initialisationFollowsHuggingFaceStandardDeviations() {
        T5Config cfg = new T5Config(300, 64, 16, 128, 1, 1, 4, 32, 128, 0.1, 1e-6, T5Config.RELU, false, 1.0, 0, 1, 0);
        try (T5Model model = T5Model.create(cfg, 7)) {
            Map<String, Parameter> p = model.parametersByName();
            assertStd(p.get("shared.weight"), 1.0);
            assertStd(p.get("lm_head.weight"), 1.0);
            assertStd(p.get("encoder.block.0.layer.0.SelfAttention.q.weight"), Math.pow(64 * 16, -0.5));
            assertStd(p.get("encoder.block.0.layer.0.SelfAttention.k.weight"), Math.pow(64, -0.5));
            assertStd(p.get("encoder.block.0.layer.0.SelfAttention.o.weight"), Math.pow(64, -0.5));
            assertStd(p.get("decoder.block.0.layer.2.DenseReluDense.wo.weight"), Math.pow(128, -0.5));
            assertArrayEquals(new float[] {1, 1, 1}, java.util.Arrays.copyOf(
                    p.get("encoder.final_layer_norm.weight").getArray().toFloatArray(), 3));
        }
    }

    private static void assertStd(Parameter p, double std) {
        float[] v = p.getArray().toFloatArray();
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        assertEquals(std, Math.sqrt(s / v.length), std * 0.1, p.getName());
    }

    @Test
    void gradientsReachEveryParameter() {
        try (T5Model model = T5Model.create(tiny(true, false), 6); NDManager m = NDManager.newBaseManager()) {
            NDArray in = ids(m, new int[][] {{5, 6, 7, 8, 1}});
            NDArray mask = ids(m, new int[][] {{1, 1, 1, 1, 1}});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.decode(model.encode(in, mask, true), mask, ids(m, new int[][] {{0, 3, 4}}), true);
                gc.backward(logits.logSoftmax(-1).get(":, :, 3").sum().neg());
            }
            for (Map.Entry<String, Parameter> e : model.parametersByName().entrySet()) {
                NDArray g = e.getValue().getArray().getGradient();
                assertNotNull(g, e.getKey());
                float total = g.abs().sum().getFloat();
                assertTrue(total > 0, "no gradient reached " + e.getKey() + ": |grad| sum " + total);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void saveLoadRoundTripGivesIdenticalLogits(boolean tied, @TempDir Path dir) {
        try (T5Model model = T5Model.create(tiny(!tied, tied), 8); NDManager m = NDManager.newBaseManager()) {
            model.save(dir, Map.of("seed", 8, "data", "unit test"));
            try (T5Model loaded = T5Model.load(dir)) {
                assertEquals(model.config(), loaded.config());
                assertTrue(loaded.provenance().get(T5Model.PROVENANCE_KEY).contains("\"seed\":8"));
                NDArray in = ids(m, new int[][] {{5, 6, 7, 8, 1}});
                NDArray mask = ids(m, new int[][] {{1, 1, 1, 1, 1}});
                NDArray dec = ids(m, new int[][] {{0, 3, 4}});
                NDArray a = model.decode(model.encode(in, mask, false), mask, dec, false);
                NDArray b = loaded.decode(loaded.encode(in, mask, false), mask, dec, false);
                assertClose(a, b, 0f);
            }
        }
    }

    @Test
    void loaderRejectsMissingUnusedAndMisshapenTensors(@TempDir Path dir) {
        T5Config cfg = tiny(false, true);
        try (T5Model model = T5Model.create(cfg, 9)) {
            model.save(dir);
        }
        Path weights = dir.resolve(T5Model.WEIGHTS_FILE);
        Map<String, SafeTensors.Tensor> good = new LinkedHashMap<>(SafeTensors.read(weights).tensors());

        Map<String, SafeTensors.Tensor> missing = copy(good);
        missing.remove("decoder.block.1.layer.1.EncDecAttention.k.weight");
        SafeTensors.write(weights, missing, Map.of());
        InputException e = assertThrows(InputException.class, () -> T5Model.load(dir));
        assertTrue(e.getMessage().contains("has no tensor decoder.block.1.layer.1.EncDecAttention.k.weight"), e.getMessage());

        Map<String, SafeTensors.Tensor> extra = copy(good);
        extra.put("encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight",
                SafeTensors.Tensor.of(new long[] {8, 2}, new float[16]));
        SafeTensors.write(weights, extra, Map.of());
        e = assertThrows(InputException.class, () -> T5Model.load(dir));
        assertTrue(e.getMessage().contains("does not use: encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight"),
                e.getMessage());

        Map<String, SafeTensors.Tensor> misshapen = copy(good);
        misshapen.put("encoder.final_layer_norm.weight", SafeTensors.Tensor.of(new long[] {15}, new float[15]));
        SafeTensors.write(weights, misshapen, Map.of());
        e = assertThrows(InputException.class, () -> T5Model.load(dir));
        assertTrue(e.getMessage().contains("encoder.final_layer_norm.weight has shape [15] but the config needs [16]"),
                e.getMessage());

        // Hugging Face exports may carry tied copies of the embedding: accepted
        Map<String, SafeTensors.Tensor> tiedCopies = copy(good);
        tiedCopies.put("encoder.embed_tokens.weight", good.get("shared.weight"));
        tiedCopies.put("lm_head.weight", good.get("shared.weight"));
        SafeTensors.write(weights, tiedCopies, Map.of());
        T5Model.load(dir).close();
    }

    private static Map<String, SafeTensors.Tensor> copy(Map<String, SafeTensors.Tensor> m) {
        return new LinkedHashMap<>(m);
    }

    @Test
    void resizeKeepsExistingRowsAndAddsNewOnes() {
        try (T5Model model = T5Model.create(tiny(false, false), 10); NDManager m = NDManager.newBaseManager()) {
            float[] before = model.parametersByName().get("shared.weight").getArray().toFloatArray();
            float[] headBefore = model.parametersByName().get("lm_head.weight").getArray().toFloatArray();
            model.resizeTokenEmbeddings(53, 11);
            assertEquals(53, model.vocabSize());
            float[] after = model.parametersByName().get("shared.weight").getArray().toFloatArray();
            assertEquals(53 * 16, after.length);
            assertArrayEquals(before, java.util.Arrays.copyOf(after, before.length));
            float[] headAfter = model.parametersByName().get("lm_head.weight").getArray().toFloatArray();
            assertArrayEquals(headBefore, java.util.Arrays.copyOf(headAfter, headBefore.length));
            assertTrue(model.block().getParameters().get("lm_head.weight").requiresGradient());
            NDArray in = ids(m, new int[][] {{52, 51, 1}});
            NDArray mask = ids(m, new int[][] {{1, 1, 1}});
            assertEquals(new Shape(1, 1, 53),
                    model.decode(model.encode(in, mask, false), mask, ids(m, new int[][] {{0}}), false).getShape());
        }
    }
}
