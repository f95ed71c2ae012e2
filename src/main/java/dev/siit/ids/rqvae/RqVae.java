package dev.siit.ids.rqvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.siit.optim.TrainableScalars;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Residual-quantised variational autoencoder (Zeghidour et al. 2021; Lee et al. 2022) as TIGER
 * and LETTER use it: an MLP encoder maps an item embedding x (dim in) to z (dim D); L codebooks
 * quantise z residually,
 * <pre>
 *   r_1 = z,  t_l = argmin_c ||r_l - E_l[c]||^2,  r_{l+1} = r_l - e_l,  z_hat = sum_l e_l,
 * </pre>
 * and an MLP decoder reconstructs x from z_hat. Gradients cross the argmin by the
 * straight-through estimator e_l^st = r_l + sg(e_l - r_l) (as in LETTER's code, the residual
 * passed on is r_l - e_l^st, so only the first level's commitment pulls the encoder directly).
 *
 * <p>Parameters are plain NDArrays with gradients attached, initialised from the caller's
 * {@link SplittableRandom} (PyTorch's Linear default, U(-1/sqrt(fan_in), 1/sqrt(fan_in))), so
 * runs are reproducible without engine seeds.
 */
public final class RqVae implements AutoCloseable {
    private final NDManager manager;
    private final List<NDArray> encW = new ArrayList<>(); // (in_k, out_k)
    private final List<NDArray> encB = new ArrayList<>(); // (out_k)
    private final List<NDArray> decW = new ArrayList<>();
    private final List<NDArray> decB = new ArrayList<>();
    private final NDArray[] codebooks; // levels x (K, D), set by initCodebooks
    private NDArray cfProjection; // (D, cfDim) or null
    private final int codebookSize;
    private final int codeDim;

    public RqVae(NDManager manager, int inDim, List<Integer> hidden, int codeDim, int levels, int codebookSize,
                 int cfDim, SplittableRandom rnd) {
        this.manager = manager;
        this.codeDim = codeDim;
        this.codebookSize = codebookSize;
        List<Integer> widths = new ArrayList<>();
        widths.add(inDim);
        widths.addAll(hidden);
        widths.add(codeDim);
        for (int k = 0; k + 1 < widths.size(); k++) {
            encW.add(uniform(widths.get(k), widths.get(k + 1), rnd));
            encB.add(uniformBias(widths.get(k), widths.get(k + 1), rnd));
        }
        for (int k = widths.size() - 1; k > 0; k--) {
            decW.add(uniform(widths.get(k), widths.get(k - 1), rnd));
            decB.add(uniformBias(widths.get(k), widths.get(k - 1), rnd));
        }
        codebooks = new NDArray[levels];
        if (cfDim > 0 && cfDim != codeDim) {
            cfProjection = uniform(codeDim, cfDim, rnd);
        }
    }

    private NDArray uniform(int in, int out, SplittableRandom rnd) {
        float[] w = new float[in * out];
        double bound = 1 / Math.sqrt(in);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return parameter(manager.create(w, new Shape(in, out)));
    }

    private NDArray uniformBias(int in, int out, SplittableRandom rnd) {
        float[] b = new float[out];
        double bound = 1 / Math.sqrt(in);
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return parameter(manager.create(b, new Shape(out)));
    }

    private static NDArray parameter(NDArray a) {
        a.setRequiresGradient(true);
        return a;
    }

    /** z = encoder(x): (B, in) -> (B, D). */
    public NDArray encode(NDArray x) {
        return mlp(x, encW, encB);
    }

    /** x_hat = decoder(z_hat): (B, D) -> (B, in). */
    public NDArray decode(NDArray zq) {
        return mlp(zq, decW, decB);
    }

    private static NDArray mlp(NDArray x, List<NDArray> w, List<NDArray> b) {
        NDArray h = x;
        for (int k = 0; k < w.size(); k++) {
            h = h.matMul(w.get(k)).add(b.get(k));
            if (k + 1 < w.size()) {
                h = Activation.relu(h);
            }
        }
        return h;
    }

    /** Sets codebook l from {@code codes} (K x D). */
    public void setCodebook(int level, float[][] codes) {
        float[] flat = new float[codebookSize * codeDim];
        for (int c = 0; c < codebookSize; c++) {
            System.arraycopy(codes[c], 0, flat, c * codeDim, codeDim);
        }
        if (codebooks[level] != null) {
            codebooks[level].close();
        }
        codebooks[level] = parameter(manager.create(flat, new Shape(codebookSize, codeDim)));
        NDScope.unregister(codebooks[level]); // a parameter outlives any step scope it is set in
    }

    public NDArray codebook(int level) {
        return codebooks[level];
    }

    public int levels() {
        return codebooks.length;
    }

    public int codebookSize() {
        return codebookSize;
    }

    public NDArray cfProjection() {
        return cfProjection;
    }

    /** Squared distances (B, K) between residuals r (B, D) and the codes of level l. */
    public NDArray distances(NDArray r, int level) {
        NDArray e = codebooks[level];
        NDManager m = r.getManager();
        NDArray two = TrainableScalars.of(m, 2f); // the codebook needs a gradient: no Java number
        NDArray rr = r.pow(two).sum(new int[] {1}, true); // (B, 1)
        NDArray ee = e.pow(two).sum(new int[] {1}).reshape(1, codebookSize); // (1, K)
        return rr.sub(r.matMul(e.transpose()).mul(two)).add(ee);
    }

    /**
     * Quantises z (B, D) level by level.
     *
     * @return per level l: codes (B) int64, the chosen codes e_l (B, D) with gradient to the
     *         codebook, the residual r_l (B, D) they quantise; and z_hat (B, D), straight-through
     */
    public Quantized quantize(NDArray z) {
        int levels = codebooks.length;
        NDArray[] codes = new NDArray[levels];
        NDArray[] chosen = new NDArray[levels];
        NDArray[] residuals = new NDArray[levels];
        NDArray r = z;
        NDArray zq = null;
        for (int l = 0; l < levels; l++) {
            residuals[l] = r;
            codes[l] = distances(r.stopGradient(), l).argMin(1); // (B)
            NDArray e = codes[l].oneHot(codebookSize).matMul(codebooks[l]); // (B, D), differentiable in E_l
            chosen[l] = e;
            NDArray st = r.add(e.sub(r).stopGradient()); // straight-through: value e, gradient to r
            zq = zq == null ? st : zq.add(st);
            r = r.sub(st);
        }
        return new Quantized(codes, chosen, residuals, zq);
    }

    /** The output of {@link #quantize}. */
    public record Quantized(NDArray[] codes, NDArray[] chosen, NDArray[] residuals, NDArray zHat) {
    }

    /** Every trainable parameter with a stable name (for the optimiser's state). */
    public List<Named> parameters() {
        List<Named> out = new ArrayList<>();
        for (int k = 0; k < encW.size(); k++) {
            out.add(new Named("encoder." + k + ".weight", encW.get(k)));
            out.add(new Named("encoder." + k + ".bias", encB.get(k)));
        }
        for (int k = 0; k < decW.size(); k++) {
            out.add(new Named("decoder." + k + ".weight", decW.get(k)));
            out.add(new Named("decoder." + k + ".bias", decB.get(k)));
        }
        for (int l = 0; l < codebooks.length; l++) {
            if (codebooks[l] != null) {
                out.add(new Named("codebook." + l, codebooks[l]));
            }
        }
        if (cfProjection != null) {
            out.add(new Named("cf_projection", cfProjection));
        }
        return out;
    }

    /** A parameter and its name. */
    public record Named(String name, NDArray array) {
    }

    @Override
    public void close() {
        manager.close();
    }
}
