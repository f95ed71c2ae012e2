package dev.siit.ids;

import java.util.ArrayList;
import java.util.List;

/**
 * SID, sequential indexing (Hua et al., "How to Index Item IDs for Recommendation Foundation
 * Models", 2023): items are numbered in order of first appearance when the users' TRAINING
 * sequences are read one after the other, starting at {@code start} (1001), so items bought by
 * the same users early on get numbers sharing leading digits.
 *
 * <p>Token scheme: one token per decimal digit, the level letter being the digit position, e.g.
 * 1001 -> {@code <a_1><b_0><c_0><d_1>}. Numbers are left-padded with zeros to the width of the
 * largest number (10922 on Instruments -> 5 digits, 1001 -> {@code <a_0><b_1><c_0><d_0><e_1>}),
 * so every identifier has the same length and none is a prefix of another. (OpenP5 writes the
 * number as text for T5's tokenizer instead; with per-position tokens each digit position has
 * its own 10-token vocabulary.)
 */
public final class SequentialIndexer implements ItemIndexer {
    public static final int DEFAULT_START = 1001;

    private final int start;

    public SequentialIndexer(int start) {
        if (start < 0) {
            throw new IllegalArgumentException("SID start must be >= 0, got " + start);
        }
        this.start = start;
    }

    public SequentialIndexer() {
        this(DEFAULT_START);
    }

    @Override
    public String method() {
        return "sid";
    }

    @Override
    public IndexedItems index(TrainingItems items, long seed) {
        int[] order = items.firstAppearanceOrder();
        int width = String.valueOf(start + (long) order.length - 1).length();
        List<List<String>> tokens = new ArrayList<>(items.numItems());
        for (int i = 0; i < items.numItems(); i++) {
            tokens.add(null);
        }
        for (int rank = 0; rank < order.length; rank++) {
            String digits = String.format("%0" + width + "d", start + (long) rank);
            List<String> t = new ArrayList<>(width);
            for (int p = 0; p < width; p++) {
                t.add(IndexFile.token(p, digits.charAt(p) - '0'));
            }
            tokens.set(order[rank], t);
        }
        return new IndexedItems(new ItemIdentifiers(tokens));
    }
}
