package dev.siit.selfimprove;

import java.util.Arrays;
import java.util.List;

/**
 * Semantic identifier similarity (paper, Section 4.5 and Table 4): the average number of shared
 * identifier tokens between two items, weighted by how similar their texts are.
 *
 * <p>Definitions used here (the paper gives them only in words):
 * <ul>
 *   <li>{@code O[i][j]} = number of tokens items i and j share. A level-coded token's letter fixes
 *       its level, so this equals the number of levels at which both identifiers carry the same
 *       token ("same token at the same position"). Only levels {@code < maxLevels} count; pass
 *       the number of levels of T0 to leave out the collision-breaking level, whose tokens
 *       ({@code <e_0>}, ...) are shared by unrelated items and carry no meaning.</li>
 *   <li>{@code S[i][j]} = cosine similarity of the item text embeddings (MiniLM); an all-zero
 *       embedding has similarity 0 with everything.</li>
 *   <li>The reported value is {@code sum_{i != j} w_ij O_ij / sum_{i != j} w_ij} with
 *       {@code w = max(S, 0)}. The paper says only "S as the weight"; cosine similarities can be
 *       negative, and a weighted mean with negative weights is not an average (the denominator
 *       can approach 0 or change sign), so negative similarities get weight 0. The unclipped
 *       value ({@link Result#signedWeightedOverlap}) and the plain mean of O are reported too.</li>
 * </ul>
 *
 * <p>Memory: never an n x n matrix. Embeddings are normalised once (n x d floats) and
 * similarities are computed tile by tile ({@code blockSize} x {@code blockSize}), so 10k items need
 * 10k x 384 floats plus one tile. Time: O(n^2 d / 2) multiply-adds (upper triangle only).
 */
public final class SemanticIdentifierSimilarity {

    public static final int DEFAULT_BLOCK_SIZE = 512;

    /**
     * @param weightedOverlap       sum max(S,0) O / sum max(S,0) over i != j (the Table 4 value)
     * @param signedWeightedOverlap sum S O / sum S over i != j (NaN when sum S is 0)
     * @param meanOverlap           mean of O over i != j
     * @param pairs                 number of ordered pairs i != j
     */
    public record Result(double weightedOverlap, double signedWeightedOverlap, double meanOverlap, long pairs) {
    }

    private SemanticIdentifierSimilarity() {
    }

    /** All levels count. */
    public static Result compute(List<List<String>> identifiers, float[][] embeddings) {
        return compute(identifiers, embeddings, Integer.MAX_VALUE, DEFAULT_BLOCK_SIZE);
    }

    public static Result compute(List<List<String>> identifiers, float[][] embeddings, int maxLevels) {
        return compute(identifiers, embeddings, maxLevels, DEFAULT_BLOCK_SIZE);
    }

    public static Result compute(List<List<String>> identifiers, float[][] embeddings, int maxLevels, int blockSize) {
        int n = identifiers.size();
        if (embeddings.length != n) {
            throw new IllegalArgumentException(n + " identifiers but " + embeddings.length + " embeddings");
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be >= 1");
        }
        int[][] codes = levelCodes(identifiers, maxLevels); // (n, L), -1 where an item has no token
        float[][] unit = normalise(embeddings);             // (n, d)
        double sumW = 0, sumWO = 0, sumS = 0, sumSO = 0;
        long sumO = 0;
        float[] tile = new float[blockSize * blockSize];
        for (int i0 = 0; i0 < n; i0 += blockSize) {
            int i1 = Math.min(n, i0 + blockSize);
            for (int j0 = i0; j0 < n; j0 += blockSize) {
                int j1 = Math.min(n, j0 + blockSize);
                similarityTile(unit, i0, i1, j0, j1, tile, blockSize);
                for (int i = i0; i < i1; i++) {
                    int[] ci = codes[i];
                    int row = (i - i0) * blockSize;
                    for (int j = Math.max(j0, i + 1); j < j1; j++) {
                        int o = overlap(ci, codes[j]);
                        double s = tile[row + (j - j0)];
                        sumO += o;
                        sumS += s;
                        sumSO += s * o;
                        if (s > 0) {
                            sumW += s;
                            sumWO += s * o;
                        }
                    }
                }
            }
        }
        // sums above run over i < j; every ordered pair i != j counts twice, which cancels in ratios
        long pairs = (long) n * (n - 1);
        return new Result(sumW == 0 ? Double.NaN : sumWO / sumW, sumS == 0 ? Double.NaN : sumSO / sumS,
                pairs == 0 ? Double.NaN : 2.0 * sumO / pairs, pairs);
    }

    /** codes[i][l] = code of item i's level-l token, or -1; L = min(maxLevels, highest level + 1). */
    static int[][] levelCodes(List<List<String>> identifiers, int maxLevels) {
        int levels = 0;
        for (List<String> id : identifiers) {
            for (String t : id) {
                levels = Math.max(levels, CodeToken.levelOf(t) + 1);
            }
        }
        levels = Math.min(levels, maxLevels);
        int[][] codes = new int[identifiers.size()][levels];
        for (int i = 0; i < identifiers.size(); i++) {
            Arrays.fill(codes[i], -1);
            for (String t : identifiers.get(i)) {
                CodeToken c = CodeToken.parse(t);
                if (c.level() < levels) {
                    if (codes[i][c.level()] >= 0) {
                        throw new IllegalArgumentException("item " + i + " has two tokens of level " + c.letter());
                    }
                    codes[i][c.level()] = c.code();
                }
            }
        }
        return codes;
    }

    private static int overlap(int[] a, int[] b) {
        int o = 0;
        for (int l = 0; l < a.length; l++) {
            if (a[l] >= 0 && a[l] == b[l]) {
                o++;
            }
        }
        return o;
    }

    private static float[][] normalise(float[][] embeddings) {
        float[][] unit = new float[embeddings.length][];
        int d = embeddings.length == 0 ? 0 : embeddings[0].length;
        for (int i = 0; i < embeddings.length; i++) {
            float[] e = embeddings[i];
            if (e.length != d) {
                throw new IllegalArgumentException("embedding " + i + " has dimension " + e.length + ", expected " + d);
            }
            double norm = 0;
            for (float x : e) {
                norm += (double) x * x;
            }
            norm = Math.sqrt(norm);
            unit[i] = new float[d];
            if (norm > 0) {
                for (int k = 0; k < d; k++) {
                    unit[i][k] = (float) (e[k] / norm);
                }
            }
        }
        return unit;
    }

    /** tile[(i - i0) * stride + (j - j0)] = unit[i] . unit[j] for i in [i0, i1), j in [j0, j1). */
    private static void similarityTile(float[][] unit, int i0, int i1, int j0, int j1, float[] tile, int stride) {
        for (int i = i0; i < i1; i++) {
            float[] a = unit[i];
            int row = (i - i0) * stride;
            for (int j = j0; j < j1; j++) {
                float[] b = unit[j];
                // four partial sums: independent chains the JIT can pipeline
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int k = 0;
                int d = a.length;
                for (; k + 3 < d; k += 4) {
                    s0 += a[k] * b[k];
                    s1 += a[k + 1] * b[k + 1];
                    s2 += a[k + 2] * b[k + 2];
                    s3 += a[k + 3] * b[k + 3];
                }
                for (; k < d; k++) {
                    s0 += a[k] * b[k];
                }
                tile[row + (j - j0)] = (s0 + s1) + (s2 + s3);
            }
        }
    }
}
