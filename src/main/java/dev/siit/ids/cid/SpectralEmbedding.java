package dev.siit.ids.cid;

import dev.ludovic.netlib.arpack.ARPACK;
import dev.ludovic.netlib.arpack.JavaARPACK;
import java.util.SplittableRandom;
import org.netlib.util.doubleW;
import org.netlib.util.intW;

/**
 * The leading eigenvectors of the normalised affinity M = D^-1/2 O D^-1/2 of a co-occurrence
 * graph (Ng, Jordan and Weiss, 2001), i.e. the eigenvectors of the smallest eigenvalues of the
 * normalised Laplacian I - M. Computed with ARPACK's implicitly restarted Lanczos method
 * ({@code dsaupd}/{@code dseupd}, reverse communication: we supply y = M x as a sparse product,
 * O(nnz) per step); graphs too small for Lanczos use a dense Jacobi eigen-solver.
 * Nodes of degree 0 get zero rows.
 *
 * <p>Always netlib's pure-Java ARPACK, never the native one that {@code ARPACK.getInstance()}
 * prefers when the system has {@code libarpack2}: the native library brings OpenBLAS and its
 * OpenMP runtime into the process, and from then on the same training run gives other bits
 * (loss 10.615146239598593 vs 10.615146080652872 after one epoch, 86 of 89 tensors differ;
 * docs/benchmarks.md, eighth session), so results would follow the machine's installed packages.
 * The identifiers themselves are the same with both (MovieLens-100K, Instruments), and so is the
 * time (4.3 vs 4.6 s for Instruments' 9,922 items).
 */
public final class SpectralEmbedding {
    private static final int MAX_ARPACK_ITERATIONS = 5000;
    private static final double TOLERANCE = 1e-8;

    private SpectralEmbedding() {
    }

    /**
     * Rows of the k leading eigenvectors, shape (n, k), row i = coordinates of node i.
     * The starting vector comes from {@code rnd}, so results are reproducible.
     */
    public static double[][] leadingEigenvectors(CooccurrenceGraph g, int k, SplittableRandom rnd) {
        int n = g.n();
        if (k >= n) {
            throw new IllegalArgumentException("need k < n eigenvectors, got k=" + k + ", n=" + n);
        }
        double[] dinv = g.degrees();
        for (int i = 0; i < n; i++) {
            dinv[i] = dinv[i] > 0 ? 1 / Math.sqrt(dinv[i]) : 0;
        }
        if (n <= Math.max(2 * k + 2, 64)) {
            return dense(g, dinv, k);
        }
        return arpack(g, dinv, k, rnd);
    }

    /** y = D^-1/2 O D^-1/2 x. */
    static void multiply(CooccurrenceGraph g, double[] dinv, double[] x, int xOff, double[] y, int yOff) {
        int[] rp = g.rowPtr();
        int[] col = g.col();
        double[] val = g.val();
        for (int a = 0; a < g.n(); a++) {
            double s = 0;
            for (int p = rp[a]; p < rp[a + 1]; p++) {
                s += val[p] * dinv[col[p]] * x[xOff + col[p]];
            }
            y[yOff + a] = dinv[a] * s;
        }
    }

    /** Netlib's pure-Java ARPACK (see the class comment for why never the native one). */
    static ARPACK solver() {
        return JavaARPACK.getInstance();
    }

    private static double[][] arpack(CooccurrenceGraph g, double[] dinv, int nev, SplittableRandom rnd) {
        int n = g.n();
        int ncv = Math.min(n, Math.max(2 * nev + 1, 20));
        ARPACK arpack = solver();
        intW ido = new intW(0);
        intW info = new intW(1); // 1 = use our resid as the starting vector
        doubleW tol = new doubleW(TOLERANCE);
        double[] resid = new double[n];
        for (int i = 0; i < n; i++) {
            resid[i] = rnd.nextDouble() - 0.5;
        }
        double[] v = new double[n * ncv];
        int[] iparam = new int[11];
        iparam[0] = 1; // exact shifts
        iparam[2] = MAX_ARPACK_ITERATIONS;
        iparam[6] = 1; // mode 1: standard problem A x = lambda x
        int[] ipntr = new int[11];
        double[] workd = new double[3 * n];
        int lworkl = ncv * (ncv + 8);
        double[] workl = new double[lworkl];
        while (true) {
            arpack.dsaupd(ido, "I", n, "LA", nev, tol, resid, ncv, v, n, iparam, ipntr, workd, workl, lworkl, info);
            if (ido.val == -1 || ido.val == 1) {
                multiply(g, dinv, workd, ipntr[0] - 1, workd, ipntr[1] - 1);
            } else {
                break;
            }
        }
        if (info.val < 0 || info.val > 1) {
            throw new IllegalStateException("ARPACK dsaupd failed with info=" + info.val + " (n=" + n + ", nev=" + nev + ")");
        }
        if (info.val == 1) {
            org.slf4j.LoggerFactory.getLogger(SpectralEmbedding.class)
                    .warn("ARPACK reached {} iterations before converging (n={}, nev={})", MAX_ARPACK_ITERATIONS, n, nev);
        }
        double[] d = new double[nev];
        double[] z = new double[n * nev];
        boolean[] select = new boolean[ncv];
        intW nevW = new intW(nev);
        intW info2 = new intW(0);
        arpack.dseupd(true, "A", select, d, z, n, 0.0, "I", n, "LA", nevW, TOLERANCE, resid, ncv, v, n,
                iparam, ipntr, workd, workl, lworkl, info2);
        if (info2.val != 0) {
            throw new IllegalStateException("ARPACK dseupd failed with info=" + info2.val);
        }
        int found = iparam[4];
        double[][] rows = new double[n][found];
        for (int j = 0; j < found; j++) {
            for (int i = 0; i < n; i++) {
                rows[i][j] = z[j * n + i]; // column-major (n, nev)
            }
        }
        return rows;
    }

    /** Cyclic Jacobi on the dense matrix; fine for the small graphs this is used for. */
    private static double[][] dense(CooccurrenceGraph g, double[] dinv, int k) {
        int n = g.n();
        double[][] a = new double[n][n];
        double[] e = new double[n];
        double[] col = new double[n];
        for (int j = 0; j < n; j++) {
            e[j] = 1;
            multiply(g, dinv, e, 0, col, 0);
            e[j] = 0;
            for (int i = 0; i < n; i++) {
                a[i][j] = col[i];
            }
        }
        double[][] vec = new double[n][n];
        for (int i = 0; i < n; i++) {
            vec[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off < 1e-22) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int r = 0; r < n; r++) { // A <- A J (columns p, q)
                        double arp = a[r][p];
                        double arq = a[r][q];
                        a[r][p] = c * arp - s * arq;
                        a[r][q] = s * arp + c * arq;
                    }
                    for (int r = 0; r < n; r++) { // A <- J^T A (rows p, q)
                        double apr = a[p][r];
                        double aqr = a[q][r];
                        a[p][r] = c * apr - s * aqr;
                        a[q][r] = s * apr + c * aqr;
                    }
                    for (int r = 0; r < n; r++) {
                        double vrp = vec[r][p];
                        double vrq = vec[r][q];
                        vec[r][p] = c * vrp - s * vrq;
                        vec[r][q] = s * vrp + c * vrq;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x])); // largest first
        double[][] rows = new double[n][k];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < n; i++) {
                rows[i][j] = vec[i][order[j]];
            }
        }
        return rows;
    }
}
