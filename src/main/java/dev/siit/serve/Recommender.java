package dev.siit.serve;

import java.util.List;
import java.util.Map;

/**
 * What the server needs from a model: ranked items for a batch of histories, over dense item
 * indices. The {@link RecommendationBatcher} is the only caller; implementations need not be
 * thread-safe unless they say {@link #concurrent()}, which lets several batch workers call them
 * at once.
 *
 * <p>Batching is part of the contract because a generative recommender decodes a whole batch of
 * histories in one constrained beam search: one call with 16 histories costs far less than 16
 * calls with one.
 */
public interface Recommender {

    /**
     * Ranks items for each history.
     *
     * @param histories dense item indices, oldest first, each of length 1..{@link #maxHistory()}
     * @param k         how many items to return per history, 1..100
     * @return for each history, up to k recommendations ordered by descending score
     */
    List<List<Recommendation>> recommendBatch(List<int[]> histories, int k);

    /** H: the number of most recent history items the model reads; longer histories are cut. */
    int maxHistory();

    /** Number of items the recommender ranks (must equal the catalogue's). */
    int numItems();

    /**
     * What {@code GET /info} shows about the model: at least {@code kind}; a trained run adds its
     * identifier iteration, model config and metrics. Values must be serialisable by Jackson.
     */
    Map<String, Object> info();

    /** True when {@link #recommendBatch} may run on several threads at once. */
    default boolean concurrent() {
        return false;
    }
}
