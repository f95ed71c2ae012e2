package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One attention layer (with relative position bias and a padding mask) and one RMS norm +
 * gated-GELU feed-forward, each checked against the equations written out here with plain Java
 * double loops over the model's own weights.
 */
class T5LayerReferenceTest {
    static final int L = 5;
    static final int D = 16;
    static final int HEADS = 2;
    static final int DKV = 4;

    @Test
    void relativePositionBucketsMatchHuggingFace() {
        // hand-computed from HF's _relative_position_bucket (32 buckets, max distance 128);
        // relative position = key - query
        int[][] cases = { // {relative position, bidirectional bucket, unidirectional bucket}
                {0, 0, 0}, {1, 17, 0}, {-1, 1, 1}, {-7, 7, 7}, {-8, 8, 8}, {-11, 8, 11}, {-16, 10, 16},
                {-20, 10, 17}, {-32, 12, 21}, {-64, 14, 26}, {-127, 15, 31}, {-128, 15, 31}, {20, 26, 0},
                {200, 31, 0}, {-1000, 15, 31}};
        for (int[] c : cases) {
            assertEquals(c[1], T5Attention.relativePositionBucket(c[0], true, 32, 128), "bidirectional " + c[0]);
            assertEquals(c[2], T5Attention.relativePositionBucket(c[0], false, 32, 128), "unidirectional " + c[0]);
        }
    }

    private static T5Config config() {
        return new T5Config(40, D, DKV, 24, 1, 1, HEADS, 8, 20, 0.1, 1e-6, T5Config.GATED_GELU, false, 1.0, 0, 1, 0);
    }

    private static double[][] randomInput(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[L][D];
        for (double[] row : x) {
            for (int j = 0; j < D; j++) {
                row[j] = (float) r.nextGaussian(); // float-representable, so both sides see the same input
            }
        }
        return x;
    }

    private static NDArray toArray(NDManager m, double[][] x) {
        float[] f = new float[L * D];
        for (int i = 0; i < L; i++) {
            for (int j = 0; j < D; j++) {
                f[i * D + j] = (float) x[i][j];
            }
        }
        return m.create(f, new Shape(1, L, D));
    }

    /** A (rows, cols) weight from the model as doubles. */
    private static double[][] weight(T5Model model, String name) {
        NDArray a = model.parametersByName().get(name).getArray();
        int rows = (int) a.getShape().get(0);
        int cols = (int) a.getShape().get(1);
        float[] f = a.toFloatArray();
        double[][] w = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                w[i][j] = f[i * cols + j];
            }
        }
        return w;
    }

    /** x (L, in) times W^T for W (out, in). */
    private static double[][] linear(double[][] x, double[][] w) {
        double[][] y = new double[x.length][w.length];
        for (int l = 0; l < x.length; l++) {
            for (int o = 0; o < w.length; o++) {
                double s = 0;
                for (int i = 0; i < w[o].length; i++) {
                    s += w[o][i] * x[l][i];
                }
                y[l][o] = s;
            }
        }
        return y;
    }

    @Test
    void encoderSelfAttentionWithRelativeBiasAndPaddingMatchesPlainJava() {
        try (T5Model model = T5Model.create(config(), 21); NDManager m = NDManager.newBaseManager()) {
            double[][] x = randomInput(5);
            boolean[] keyIsToken = {true, true, true, true, false}; // last key is padding
            String p = "encoder.block.0.layer.0.SelfAttention.";
            double[][] q = linear(x, weight(model, p + "q.weight"));
            double[][] k = linear(x, weight(model, p + "k.weight"));
            double[][] v = linear(x, weight(model, p + "v.weight"));
            double[][] table = weight(model, p + "relative_attention_bias.weight"); // (buckets, heads)
            double[][] context = new double[L][HEADS * DKV];
            for (int h = 0; h < HEADS; h++) {
                for (int a = 0; a < L; a++) {
                    double[] score = new double[L];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int b = 0; b < L; b++) {
                        if (!keyIsToken[b]) {
                            score[b] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double s = 0;
                        for (int e = 0; e < DKV; e++) {
                            s += q[a][h * DKV + e] * k[b][h * DKV + e]; // no 1/sqrt(d_kv) in T5
                        }
                        s += table[T5Attention.relativePositionBucket(b - a, true, 8, 20)][h];
                        score[b] = s;
                        max = Math.max(max, s);
                    }
                    double z = 0;
                    for (int b = 0; b < L; b++) {
                        score[b] = Math.exp(score[b] - max);
                        z += score[b];
                    }
                    for (int b = 0; b < L; b++) {
                        for (int e = 0; e < DKV; e++) {
                            context[a][h * DKV + e] += score[b] / z * v[b][h * DKV + e];
                        }
                    }
                }
            }
            double[][] expected = linear(context, weight(model, p + "o.weight"));

            T5Attention attention = model.encoder.encoderBlocks.get(0).selfAttention;
            NDArray in = toArray(m, x);
            NDArray mask = m.create(new int[] {1, 1, 1, 1, 0}, new Shape(1, L));
            NDArray bias = attention.positionBias(m, L, L, 0).add(T5Stack.keyMaskBias(mask));
            float[] actual = attention.forward(in, in, bias, false).toFloatArray();
            for (int a = 0; a < L; a++) {
                for (int j = 0; j < D; j++) {
                    assertEquals(expected[a][j], actual[a * D + j], 1e-4, "position " + a + ", feature " + j);
                }
            }
        }
    }

    @Test
    void rmsNormThenGatedGeluFeedForwardMatchesPlainJava() {
        try (T5Model model = T5Model.create(config(), 22); NDManager m = NDManager.newBaseManager()) {
            // give the norm a non-trivial gain so that it is exercised
            Map<String, ai.djl.nn.Parameter> params = model.parametersByName();
            String p = "decoder.block.0.layer.2.";
            NDArray gain = params.get(p + "layer_norm.weight").getArray();
            float[] g = new float[D];
            for (int j = 0; j < D; j++) {
                g[j] = 0.5f + 0.1f * j;
            }
            gain.set(g);

            double[][] x = randomInput(6);
            double[][] normed = new double[L][D];
            for (int l = 0; l < L; l++) {
                double ms = 0;
                for (int j = 0; j < D; j++) {
                    ms += x[l][j] * x[l][j];
                }
                ms /= D;
                for (int j = 0; j < D; j++) {
                    normed[l][j] = x[l][j] / Math.sqrt(ms + 1e-6) * g[j];
                }
            }
            double[][] a = linear(normed, weight(model, p + "DenseReluDense.wi_0.weight"));
            double[][] b = linear(normed, weight(model, p + "DenseReluDense.wi_1.weight"));
            for (int l = 0; l < L; l++) {
                for (int f = 0; f < a[l].length; f++) {
                    double u = a[l][f];
                    double gelu = 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u * u * u)));
                    a[l][f] = gelu * b[l][f];
                }
            }
            double[][] expected = linear(a, weight(model, p + "DenseReluDense.wo.weight"));

            T5DecoderBlock block = model.decoder.decoderBlocks.get(0);
            float[] actual = block.feedForward.forward(block.feedForwardNorm.forward(toArray(m, x)), false).toFloatArray();
            for (int l = 0; l < L; l++) {
                for (int j = 0; j < D; j++) {
                    assertEquals(expected[l][j], actual[l * D + j], 1e-4, "position " + l + ", feature " + j);
                }
            }
        }
    }
}
