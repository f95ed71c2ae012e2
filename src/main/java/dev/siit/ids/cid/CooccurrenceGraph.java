package dev.siit.ids.cid;

import java.util.Arrays;

/**
 * Symmetric item co-occurrence counts in compressed sparse row form: O[a][b] = number of
 * (user, position pair) with items a and b both in the user's TRAINING sequence (within
 * {@code window} positions of each other when window > 0), following OpenP5's CID (all pairs of
 * a user's training items, {@code itertools.combinations}). Self pairs (an item repeated in a
 * sequence) are dropped: a self-loop only adds to an item's degree, not to who it clusters with.
 *
 * @param n       nodes
 * @param rowPtr  (n + 1) row offsets into {@code col} / {@code val}
 * @param col     column of every stored entry, ascending within a row
 * @param val     count of every stored entry
 */
public record CooccurrenceGraph(int n, int[] rowPtr, int[] col, double[] val) {

    /** Dense counting up to this many nodes (n^2 ints), sorted pair keys above. */
    static final int DENSE_LIMIT = 4000;

    public static CooccurrenceGraph fromSequences(int n, int[][] sequences, int window) {
        return n <= DENSE_LIMIT ? dense(n, sequences, window) : sorted(n, sequences, window);
    }

    private static CooccurrenceGraph dense(int n, int[][] sequences, int window) {
        int[] counts = new int[n * n];
        for (int[] s : sequences) {
            for (int i = 0; i < s.length; i++) {
                int end = window > 0 ? Math.min(s.length, i + window + 1) : s.length;
                for (int j = i + 1; j < end; j++) {
                    if (s[i] != s[j]) {
                        counts[s[i] * n + s[j]]++;
                        counts[s[j] * n + s[i]]++;
                    }
                }
            }
        }
        int nnz = 0;
        for (int c : counts) {
            if (c != 0) {
                nnz++;
            }
        }
        int[] rowPtr = new int[n + 1];
        int[] col = new int[nnz];
        double[] val = new double[nnz];
        int p = 0;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                int c = counts[a * n + b];
                if (c != 0) {
                    col[p] = b;
                    val[p++] = c;
                }
            }
            rowPtr[a + 1] = p;
        }
        return new CooccurrenceGraph(n, rowPtr, col, val);
    }

    private static CooccurrenceGraph sorted(int n, int[][] sequences, int window) {
        long[] keys = new long[1 << 16];
        int m = 0;
        for (int[] s : sequences) {
            for (int i = 0; i < s.length; i++) {
                int end = window > 0 ? Math.min(s.length, i + window + 1) : s.length;
                for (int j = i + 1; j < end; j++) {
                    if (s[i] != s[j]) {
                        if (m + 2 > keys.length) {
                            keys = Arrays.copyOf(keys, keys.length * 2);
                        }
                        keys[m++] = (long) s[i] * n + s[j];
                        keys[m++] = (long) s[j] * n + s[i];
                    }
                }
            }
        }
        Arrays.sort(keys, 0, m);
        int distinct = 0;
        for (int i = 0; i < m; i++) {
            if (i == 0 || keys[i] != keys[i - 1]) {
                distinct++;
            }
        }
        int[] rowPtr = new int[n + 1];
        int[] col = new int[distinct];
        double[] val = new double[distinct];
        int p = -1;
        for (int i = 0; i < m; i++) {
            if (i == 0 || keys[i] != keys[i - 1]) {
                p++;
                col[p] = (int) (keys[i] % n);
                rowPtr[(int) (keys[i] / n) + 1]++;
            }
            val[p]++;
        }
        for (int a = 0; a < n; a++) {
            rowPtr[a + 1] += rowPtr[a];
        }
        return new CooccurrenceGraph(n, rowPtr, col, val);
    }

    /** Stored (non-zero) entries. */
    public int nnz() {
        return col.length;
    }

    /** Weighted degree of every node. */
    public double[] degrees() {
        double[] d = new double[n];
        for (int a = 0; a < n; a++) {
            for (int p = rowPtr[a]; p < rowPtr[a + 1]; p++) {
                d[a] += val[p];
            }
        }
        return d;
    }

    /** The graph induced by {@code nodes} (global indices); node k of the result is nodes[k]. */
    public CooccurrenceGraph induced(int[] nodes) {
        int[] local = new int[n];
        Arrays.fill(local, -1);
        for (int k = 0; k < nodes.length; k++) {
            local[nodes[k]] = k;
        }
        int nnz = 0;
        for (int a : nodes) {
            for (int p = rowPtr[a]; p < rowPtr[a + 1]; p++) {
                if (local[col[p]] >= 0) {
                    nnz++;
                }
            }
        }
        int[] rp = new int[nodes.length + 1];
        int[] c = new int[nnz];
        double[] v = new double[nnz];
        int q = 0;
        for (int k = 0; k < nodes.length; k++) {
            int a = nodes[k];
            int start = q;
            for (int p = rowPtr[a]; p < rowPtr[a + 1]; p++) {
                if (local[col[p]] >= 0) {
                    c[q] = local[col[p]];
                    v[q++] = val[p];
                }
            }
            // keep columns ascending (local order follows nodes, which callers keep ascending)
            if (!isAscending(c, start, q)) {
                sortRow(c, v, start, q);
            }
            rp[k + 1] = q;
        }
        return new CooccurrenceGraph(nodes.length, rp, c, v);
    }

    private static boolean isAscending(int[] c, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            if (c[i] < c[i - 1]) {
                return false;
            }
        }
        return true;
    }

    private static void sortRow(int[] c, double[] v, int from, int to) {
        long[] packed = new long[to - from];
        for (int i = from; i < to; i++) {
            packed[i - from] = ((long) c[i] << 32) | (i - from);
        }
        Arrays.sort(packed);
        int[] c2 = new int[to - from];
        double[] v2 = new double[to - from];
        for (int i = 0; i < packed.length; i++) {
            c2[i] = (int) (packed[i] >>> 32);
            v2[i] = v[from + (int) packed[i]];
        }
        System.arraycopy(c2, 0, c, from, c2.length);
        System.arraycopy(v2, 0, v, from, v2.length);
    }
}
