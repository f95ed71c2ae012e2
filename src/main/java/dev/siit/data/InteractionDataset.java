package dev.siit.data;

import dev.siit.io.InputException;
import java.util.List;

/**
 * A filtered, densely re-indexed interaction dataset: what every later stage reads.
 *
 * @param name         short name (e.g. {@code ml-100k}, {@code Instruments})
 * @param userIds      original user id of dense user u, for output
 * @param itemIds      original item id of dense item i, for output and {@code .index.json} keys
 * @param sequences    sequences[u] = dense item indices of user u in chronological order
 *                     (ties broken by position in the source file)
 * @param itemTexts    itemTexts.get(i) = text of item i, or {@code null} when the source has none
 * @param fingerprint  hash of the input files and the filter settings (provenance)
 */
public record InteractionDataset(String name, List<String> userIds, List<String> itemIds,
                                 int[][] sequences, List<ItemText> itemTexts, String fingerprint) {
    public InteractionDataset {
        if (userIds.size() != sequences.length) {
            throw new IllegalArgumentException(userIds.size() + " user ids for " + sequences.length + " sequences");
        }
        if (itemTexts.size() != itemIds.size()) {
            throw new IllegalArgumentException(itemTexts.size() + " item texts for " + itemIds.size() + " items");
        }
    }

    public int numUsers() {
        return sequences.length;
    }

    public int numItems() {
        return itemIds.size();
    }

    public long numInteractions() {
        long n = 0;
        for (int[] s : sequences) {
            n += s.length;
        }
        return n;
    }

    /** Whether item i has a non-empty title. */
    public boolean hasTitle(int item) {
        ItemText t = itemTexts.get(item);
        return t != null && !t.title().isEmpty();
    }

    /** How many items have a non-empty title. */
    public int itemsWithTitle() {
        int n = 0;
        for (int i = 0; i < numItems(); i++) {
            if (hasTitle(i)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Fails with a clear message when items lack titles and {@code purpose} needs them
     * (TIGER, LETTER, TID, the SIIT alignment tasks): better to refuse than embed empty strings.
     */
    public void requireTitles(String purpose) {
        int with = itemsWithTitle();
        if (with < numItems()) {
            throw new InputException(purpose + " needs item titles, but " + (numItems() - with) + " of "
                    + numItems() + " items of dataset " + name + " have none");
        }
    }
}
