package dev.siit.selfimprove;

import java.util.List;

/**
 * One identifier proposed for an item by beam search on the Item-to-Identifier prompt.
 *
 * @param tokens the identifier, e.g. {@code [<a_3>, <b_1>, <c_9>]}
 * @param score  its log-probability under the aligned model M'(i-1) (sum over tokens; higher is
 *               more confident). Any monotone score works for {@code paper} and
 *               {@code confident-first}; {@code optimal} sums them, so they must be additive.
 */
public record Candidate(List<String> tokens, double score) {
    public Candidate {
        if (tokens == null || tokens.isEmpty()) {
            throw new IllegalArgumentException("a candidate identifier needs at least one token");
        }
        if (Double.isNaN(score) || Double.isInfinite(score)) {
            throw new IllegalArgumentException("candidate " + tokens + " has a non-finite score " + score);
        }
        tokens = List.copyOf(tokens);
    }
}
