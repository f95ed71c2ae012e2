package dev.siit.serve;

/**
 * One recommended item.
 *
 * @param item  dense item index (see {@link ItemCatalog} for the original id)
 * @param score the recommender's score, higher is better; its scale depends on the recommender
 *              (a sequence log-probability for beam search, a normalised weight for co-occurrence)
 */
public record Recommendation(int item, double score) {
}
