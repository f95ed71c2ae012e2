package dev.siit.serve;

import dev.siit.data.InteractionDataset;
import dev.siit.data.ItemText;
import java.util.Arrays;
import java.util.List;

/**
 * A 4-item catalogue whose co-occurrence scores are easy to compute by hand.
 *
 * <pre>
 * items (dense index: id, title)   0: "10" Starship Troopers   1: "11" Star Wars
 *                                  2: "12" Lone Star           3: "13" Mustard
 * train sequences                  [0,1,2] [0,1,3] [0,2]
 * window 1 successors              0 -> 1 (2x), 0 -> 2 (1x); 1 -> 2 (1x), 1 -> 3 (1x)
 *                                  P(1|0) = 2/3, P(2|0) = 1/3, P(2|1) = P(3|1) = 1/2
 * popularity                       0: 3, 1: 2, 2: 2, 3: 1  (prior = 1e-6 * pop / 3)
 * </pre>
 */
final class ServeFixtures {
    static final int[][] TRAIN = {{0, 1, 2}, {0, 1, 3}, {0, 2}};
    static final double DECAY = 0.5;
    static final int MAX_HISTORY = 2;

    private ServeFixtures() {
    }

    static InteractionDataset dataset() {
        List<ItemText> texts = Arrays.asList(new ItemText("Starship Troopers", ""), new ItemText("Star Wars", ""),
                new ItemText("Lone Star", ""), new ItemText("Mustard", ""));
        return new InteractionDataset("tiny", List.of("u1", "u2", "u3"), List.of("10", "11", "12", "13"), TRAIN,
                texts, "sha256:test");
    }

    static CooccurrenceRecommender recommender() {
        return new CooccurrenceRecommender(TRAIN, 4, MAX_HISTORY, 1, DECAY);
    }

    static ItemCatalog catalog() {
        return ItemCatalog.of(dataset(), TRAIN, null);
    }

    static double prior(int pop) {
        return 1e-6 * pop / 3.0;
    }
}
