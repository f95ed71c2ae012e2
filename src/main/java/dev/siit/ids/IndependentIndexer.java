package dev.siit.ids;

import java.util.ArrayList;
import java.util.List;

/**
 * IID, independent indexing: one new token per item, {@code <a_k>}, k = the item's rank in
 * first-appearance order of the training sequences (0-based; see
 * {@link TrainingItems#firstAppearanceOrder()}), so the numbering never depends on held-out data.
 */
public final class IndependentIndexer implements ItemIndexer {
    @Override
    public String method() {
        return "iid";
    }

    @Override
    public IndexedItems index(TrainingItems items, long seed) {
        int[] order = items.firstAppearanceOrder();
        List<List<String>> tokens = new ArrayList<>(items.numItems());
        for (int i = 0; i < items.numItems(); i++) {
            tokens.add(null);
        }
        for (int rank = 0; rank < order.length; rank++) {
            tokens.set(order[rank], List.of(IndexFile.token(0, rank)));
        }
        return new IndexedItems(new ItemIdentifiers(tokens));
    }
}
