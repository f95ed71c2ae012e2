package dev.siit.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.data.ItemText;
import dev.siit.io.InputException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TitleIndexerTest {
    static final int[][] TRAIN = {{0, 1, 2}};

    @Test
    void titlesAreIdentifiersAndDuplicatesGetASuffix() {
        TrainingItems items = new TrainingItems("t", List.of("1", "2", "3"),
                List.of(new ItemText("Chasing Amy (1997)", "Drama"), new ItemText("Heat (1995)", ""),
                        new ItemText("Chasing Amy (1997)", "Romance")), TRAIN);
        IndexedItems raw = new TitleIndexer().index(items, 0);
        assertEquals(List.of("Heat (1995)"), raw.ids().of(1));
        ItemIdentifiers out = CollisionResolver.resolve(raw, CollisionResolution.SUFFIX, "tid");
        assertEquals(List.of("Chasing Amy (1997)", "<b_0>"), out.of(0));
        assertEquals(List.of("Chasing Amy (1997)", "<b_1>"), out.of(2));
        assertEquals(List.of("Heat (1995)"), out.of(1));
    }

    @Test
    void missingTitlesAreRefusedUnlessAFewGetPlaceholders() {
        TrainingItems items = new TrainingItems("t", List.of("1", "2"),
                Arrays.asList(new ItemText("Heat (1995)", ""), null), TRAIN);
        InputException e = assertThrows(InputException.class, () -> new TitleIndexer().index(items, 0));
        assertTrue(e.getMessage().contains("1 of 2 items of dataset t have none"), e.getMessage());
        // 1 of 2 items is far above the 5% a placeholder may cover
        assertThrows(InputException.class, () -> items.withPlaceholderTitles("TID"));
        ItemText[] texts = new ItemText[40];
        String[] ids = new String[40];
        for (int i = 0; i < 40; i++) {
            texts[i] = i == 7 ? null : new ItemText("title " + i, "");
            ids[i] = String.valueOf(100 + i);
        }
        TrainingItems many = new TrainingItems("m", List.of(ids), Arrays.asList(texts), TRAIN);
        ItemIdentifiers t = new TitleIndexer().index(many.withPlaceholderTitles("TID"), 0).ids();
        assertEquals(List.of("item 107"), t.of(7));
        assertEquals(List.of("title 8"), t.of(8));
    }
}
