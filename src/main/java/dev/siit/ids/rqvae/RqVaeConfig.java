package dev.siit.ids.rqvae;

import java.util.List;

/**
 * RQ-VAE settings for TIGER and LETTER.
 *
 * @param levels          quantisation levels L (codebooks)
 * @param codebookSize    codes per codebook K
 * @param codeDim         dimension of the latent and of every code
 * @param hidden          encoder hidden widths (the decoder mirrors them)
 * @param epochs          passes over the items
 * @param batchSize       items per step
 * @param lr              AdamW learning rate
 * @param weightDecay     AdamW decoupled weight decay
 * @param commitment      weight of the commitment term ||r - sg(e)||^2 (0.25 in TIGER and LETTER)
 * @param alpha           weight of LETTER's collaborative regulariser (0 = off)
 * @param temperature     InfoNCE temperature of the collaborative regulariser
 * @param beta            weight of LETTER's diversity regulariser (0 = off)
 * @param diversityGroups K groups of the constrained k-means of every codebook
 * @param cfEmbeddings    collaborative (SASRec) item embeddings, needed when alpha > 0
 * @param evalEvery       epochs between collision-rate evaluations (the best is kept)
 */
public record RqVaeConfig(int levels, int codebookSize, int codeDim, List<Integer> hidden, int epochs, int batchSize,
                          double lr, double weightDecay, double commitment, double alpha, double temperature,
                          double beta, int diversityGroups, String cfEmbeddings, int evalEvery) {

    /** TIGER (Rajput et al., 2023): 3 levels x 256 codes of dim 32, reconstruction + quantisation losses only. */
    public static final RqVaeConfig TIGER = new RqVaeConfig(3, 256, 32, List.of(512, 256, 128), 500, 1024,
            1e-3, 1e-4, 0.25, 0, 0.7, 0, 10, null, 10);

    /** LETTER (Wang et al., CIKM 2024) with the authors' Instruments settings. */
    public static final RqVaeConfig LETTER = new RqVaeConfig(4, 256, 32, List.of(512, 256, 128), 500, 1024,
            1e-3, 1e-4, 0.25, 0.02, 0.7, 1e-4, 10, null, 10);

    public RqVaeConfig {
        require(levels >= 1 && levels <= 25, "levels must be 1..25, got " + levels);
        require(codebookSize >= 2, "codebookSize must be >= 2, got " + codebookSize);
        require(codeDim >= 1, "codeDim must be >= 1, got " + codeDim);
        require(hidden != null && hidden.stream().allMatch(h -> h != null && h > 0), "hidden widths must be positive");
        hidden = List.copyOf(hidden);
        require(epochs >= 1 && batchSize >= 2, "epochs must be >= 1 and batchSize >= 2");
        require(lr > 0 && weightDecay >= 0 && commitment >= 0, "lr must be > 0, weightDecay and commitment >= 0");
        require(alpha >= 0 && beta >= 0 && temperature > 0, "alpha, beta must be >= 0 and temperature > 0");
        require(diversityGroups >= 1 && diversityGroups <= codebookSize, "diversityGroups must be 1..codebookSize");
        require(evalEvery >= 1, "evalEvery must be >= 1");
    }

    public RqVaeConfig withCfEmbeddings(String path) {
        return new RqVaeConfig(levels, codebookSize, codeDim, hidden, epochs, batchSize, lr, weightDecay, commitment,
                alpha, temperature, beta, diversityGroups, path, evalEvery);
    }

    public RqVaeConfig withEpochs(int e) {
        return new RqVaeConfig(levels, codebookSize, codeDim, hidden, e, batchSize, lr, weightDecay, commitment,
                alpha, temperature, beta, diversityGroups, cfEmbeddings, evalEvery);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
