package dev.siit.selfimprove;

import java.util.List;

/**
 * How well the aligned model M'(i-1) knows the identifiers it was aligned to: the share of items
 * whose top-ranked regenerated identifier (Item-to-Identifier prompt) is the identifier the item
 * already has in T(i-1), base levels only.
 *
 * <p>The paper (Section 4.4) expects alignment to make most items reproduce their identifier and
 * to leave "a subset of samples that can not align well"; those are the ones regeneration moves.
 * A self-recall near 0 means the opposite regime: the model has not learned title -> identifier
 * at all, its beams ignore the title and regeneration proposes nearly the same identifiers for
 * every item (the collapse measured in docs/results.md). The value falls out of the regeneration
 * beams at no extra cost; with beam 1 (greedy) it is the share of items that greedy decoding maps
 * back to their own identifier.
 */
public final class SelfRecall {
    private SelfRecall() {
    }

    /**
     * @param candidates ranked candidates per item, best first (an empty list counts as a miss)
     * @param current    the items' current identifiers (base tokens), aligned with {@code candidates}
     * @return share in [0, 1] of items whose first candidate equals their current identifier; 0
     *         for no items
     */
    public static double of(List<List<Candidate>> candidates, List<List<String>> current) {
        if (candidates.size() != current.size()) {
            throw new IllegalArgumentException(candidates.size() + " candidate lists for " + current.size() + " items");
        }
        int hits = 0;
        for (int k = 0; k < candidates.size(); k++) {
            List<Candidate> list = candidates.get(k);
            if (!list.isEmpty() && list.get(0).tokens().equals(current.get(k))) {
                hits++;
            }
        }
        return candidates.isEmpty() ? 0 : hits / (double) candidates.size();
    }
}
