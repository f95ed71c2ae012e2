package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.siit.data.Example;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A sequential recommender that scores every item by one inner product: score(u, i) =
 * represent(u) . itemVectors()[i]. Full ranking is then a (B, r) x (r, I) matrix product.
 * Implementations keep all weights in {@link #weights()}; every call runs inside the caller's
 * {@code NDScope}.
 */
public interface SequentialRecommender {

    /**
     * A freshly initialised model of {@code config.model()}; its weights live in {@code manager}
     * and are drawn from {@code seed}.
     */
    static SequentialRecommender create(BaselineConfig config, int numUsers, int numItems, NDManager manager,
                                        long seed) {
        ModelWeights w = new ModelWeights(manager, new SplittableRandom(seed));
        return switch (config.model()) {
            case "sasrec" -> new SasRec(config, numItems, w);
            case "gru4rec" -> new Gru4Rec(config, numItems, w);
            case "caser" -> new Caser(config, numUsers, numItems, w);
            case "bert4rec" -> new Bert4Rec(config, numItems, w);
            default -> throw new IllegalArgumentException("unknown model " + config.model());
        };
    }

    /** sasrec, gru4rec, caser or bert4rec. */
    String name();

    ModelWeights weights();

    /**
     * Mean training loss (a scalar) over one batch of users.
     *
     * @param users     dense user index of every row
     * @param sequences training part of every user's sequence (length >= 2), oldest first; the
     *                  model keeps the most recent items it can use
     * @param random    the step's randomness (negatives, masks)
     */
    NDArray loss(NDManager manager, int[] users, List<int[]> sequences, SplittableRandom random);

    /** (B, r) user representations after the histories of {@code examples}, in inference mode. */
    NDArray represent(NDManager manager, List<Example> examples);

    /** (I, r) one vector per dense item, in item order. */
    NDArray itemVectors();
}
