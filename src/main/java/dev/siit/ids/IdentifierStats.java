package dev.siit.ids;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Statistics of an identifier assignment, the content of {@code index-stats.json}.
 *
 * @param items             number of items
 * @param levels            length of the longest identifier
 * @param itemsPerLevel     how many items have a token at level l (identifiers may differ in length)
 * @param codesUsed         distinct tokens at level l
 * @param entropyBits       Shannon entropy (bits) of the token distribution at level l, over the
 *                          items that have level l; log2(codesUsed) when every code is used equally
 * @param distinctIdentifiers number of distinct identifiers
 * @param collidingItems    items whose identifier at least one other item also has
 * @param collisionRate     collidingItems / items
 * @param collisionGroups   number of identifiers shared by 2 or more items
 * @param largestGroup      size of the largest group of items sharing one identifier (1 = unique)
 * @param vocabulary        distinct tokens over all levels
 */
public record IdentifierStats(int items, int levels, List<Integer> itemsPerLevel, List<Integer> codesUsed,
                              List<Double> entropyBits, int distinctIdentifiers, int collidingItems,
                              double collisionRate, int collisionGroups, int largestGroup, int vocabulary) {

    public static IdentifierStats of(ItemIdentifiers ids) {
        int levels = ids.maxLength();
        List<Integer> perLevel = new ArrayList<>();
        List<Integer> used = new ArrayList<>();
        List<Double> entropy = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            Map<String, Integer> counts = new HashMap<>();
            int n = 0;
            for (int i = 0; i < ids.numItems(); i++) {
                List<String> t = ids.of(i);
                if (t.size() > l) {
                    counts.merge(t.get(l), 1, Integer::sum);
                    n++;
                }
            }
            double h = 0;
            for (int c : counts.values()) {
                double p = (double) c / n;
                h -= p * Math.log(p) / Math.log(2);
            }
            perLevel.add(n);
            used.add(counts.size());
            entropy.add(h == 0 ? 0.0 : h); // avoid -0.0 in the JSON
        }
        List<List<Integer>> groups = ids.collisionGroups();
        int colliding = 0;
        int largest = ids.numItems() == 0 ? 0 : 1;
        for (List<Integer> g : groups) {
            colliding += g.size();
            largest = Math.max(largest, g.size());
        }
        int distinct = ids.numItems() - colliding + groups.size();
        return new IdentifierStats(ids.numItems(), levels, List.copyOf(perLevel), List.copyOf(used),
                List.copyOf(entropy), distinct, colliding,
                ids.numItems() == 0 ? 0 : (double) colliding / ids.numItems(), groups.size(), largest,
                ids.vocabulary().size());
    }

    /** One line for logs: {@code levels=4 codes=[150, 256, 256, 256] collisions=48 (0.48%) largest=2}. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "items=%d levels=%d codes=%s collisions=%d (%.2f%%) largest=%d",
                items, levels, codesUsed, collidingItems, 100 * collisionRate, largestGroup);
    }
}
