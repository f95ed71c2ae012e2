package dev.siit.ids;

import dev.siit.data.InteractionDataset;
import dev.siit.data.ItemText;
import dev.siit.data.LeaveOneOutSplit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Everything an {@link ItemIndexer} may see: the item catalogue (original ids, text) and the
 * TRAINING parts of the users' sequences ({@link LeaveOneOutSplit#train()}). Validation and test
 * interactions are cut off here, once, so no indexer can reach them.
 *
 * @param datasetName  for messages
 * @param itemIds      original id of dense item i
 * @param itemTexts    text of dense item i, or null
 * @param train        train[u] = training part of user u's chronological sequence (dense items)
 */
public record TrainingItems(String datasetName, List<String> itemIds, List<ItemText> itemTexts, int[][] train) {

    public static TrainingItems of(InteractionDataset data) {
        LeaveOneOutSplit split = LeaveOneOutSplit.of(data, LeaveOneOutSplit.DEFAULT_MAX_HISTORY);
        return new TrainingItems(data.name(), data.itemIds(), data.itemTexts(), split.train());
    }

    public int numItems() {
        return itemIds.size();
    }

    /**
     * Dense items in order of first appearance when reading the users' training sequences one
     * after the other (Hua et al.'s sequential order). Items that never occur in a training
     * sequence follow, ordered by original id (numerically when both ids are numbers), so the
     * order never depends on held-out interactions.
     */
    public int[] firstAppearanceOrder() {
        boolean[] seen = new boolean[numItems()];
        int[] order = new int[numItems()];
        int n = 0;
        for (int[] s : train) {
            for (int item : s) {
                if (!seen[item]) {
                    seen[item] = true;
                    order[n++] = item;
                }
            }
        }
        List<Integer> unseen = new ArrayList<>();
        for (int i = 0; i < numItems(); i++) {
            if (!seen[i]) {
                unseen.add(i);
            }
        }
        unseen.sort(Comparator.comparing((Integer i) -> itemIds.get(i), TrainingItems::compareIds));
        for (int i : unseen) {
            order[n++] = i;
        }
        return order;
    }

    /** Numeric order when both ids are integers, else string order. */
    static int compareIds(String a, String b) {
        if (a.matches("\\d{1,18}") && b.matches("\\d{1,18}")) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return a.compareTo(b);
    }

    /** Items without a non-empty title. */
    public int itemsWithoutTitle() {
        int without = 0;
        for (ItemText t : itemTexts) {
            if (t == null || t.title().isEmpty()) {
                without++;
            }
        }
        return without;
    }

    /** At most this share of items may get a placeholder title. */
    public static final double MAX_PLACEHOLDER_SHARE = 0.05;

    /**
     * A copy in which items without a title get the title {@code "item <original id>"} (an
     * explicit opt-in for datasets missing text for a handful of items, e.g. MovieLens-100K's
     * item 267 which is absent from u.item). Refused when more than 5% of items lack a title:
     * then there is no text to index by.
     */
    public TrainingItems withPlaceholderTitles(String purpose) {
        int without = itemsWithoutTitle();
        if (without > MAX_PLACEHOLDER_SHARE * numItems()) {
            throw new dev.siit.io.InputException(purpose + " needs item titles, but " + without + " of " + numItems()
                    + " items of dataset " + datasetName + " have none: too many for placeholder titles (at most 5%)");
        }
        List<ItemText> texts = new ArrayList<>(numItems());
        for (int i = 0; i < numItems(); i++) {
            ItemText t = itemTexts.get(i);
            if (t == null || t.title().isEmpty()) {
                texts.add(new ItemText("item " + itemIds.get(i), t == null ? "" : t.description()));
            } else {
                texts.add(t);
            }
        }
        return new TrainingItems(datasetName, itemIds, java.util.Collections.unmodifiableList(texts), train);
    }

    /** Fails with a clear message unless every item has a non-empty title. */
    public void requireTitles(String purpose) {
        requireTitles(purpose, "--placeholder-titles");
    }

    /** @param optIn how the user asks for {@link #withPlaceholderTitles} (a CLI flag or a config key), for the message */
    public void requireTitles(String purpose, String optIn) {
        int without = itemsWithoutTitle();
        if (without > 0) {
            throw new dev.siit.io.InputException(purpose + " needs item titles, but " + without + " of " + numItems()
                    + " items of dataset " + datasetName + " have none (" + optIn + " gives up to 5% of "
                    + "items the title \"item <id>\")");
        }
    }
}
