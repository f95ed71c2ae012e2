package dev.siit.baseline;

import dev.siit.data.InteractionDataset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Hand-made fixtures: a catalogue where each item is always followed by the same next item. */
final class TinyData {
    private TinyData() {
    }

    /**
     * {@code users} users over {@code items} items; user u starts at item u % items and moves
     * to (i + 1) % items at every step, for {@code length + u % 3} steps (varied lengths, so
     * every position a held-out example uses is also seen in training). The next item is a function
     * of the last one, so a working model reaches Recall@1 = 1 on validation and test.
     */
    static InteractionDataset successorChains(int users, int items, int length) {
        int[][] seqs = new int[users][];
        List<String> userIds = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            seqs[u] = new int[length + u % 3];
            for (int t = 0; t < seqs[u].length; t++) {
                seqs[u][t] = (u + t) % items;
            }
            userIds.add("u" + u);
        }
        List<String> itemIds = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            itemIds.add("item-" + i);
        }
        return new InteractionDataset("tiny", userIds, itemIds, seqs,
                Collections.nCopies(items, null), "tiny-fingerprint");
    }

    /** Small, fast settings of {@code model}: no dropout, a large step size. */
    static BaselineConfig config(String model, int maxEpochs) {
        return new BaselineConfig(model, 3, 16, 1, 2, 32, 0.0, 0.0, "ce", 0.03,
                0.0, 4, maxEpochs, maxEpochs, 64, 3, 4, 2, 0.3, "bert4rec".equals(model) ? 0.7 : 0.0);
    }
}
