package dev.siit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.data.ItemText;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.ids.ItemIdentifiers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemCatalogTest {

    /** Seven items; popularity from the training sequences: 0:1 1:3 2:2 3:1 4:5 5:0 6:1. */
    private static ItemCatalog seven() {
        List<ItemText> texts = Arrays.asList(new ItemText("Starship Troopers", ""), new ItemText("Star Wars", ""),
                new ItemText("Lone Star", ""), new ItemText("Mustard", ""), new ItemText("War Stars", ""), null,
                new ItemText("The Wars of the Stars", ""));
        int[][] train = {{4, 4, 4, 4, 4}, {1, 1, 1}, {2, 2}, {0}, {3}, {6}, {5}};
        InteractionDataset d = new InteractionDataset("seven", List.of("a", "b", "c", "d", "e", "f", "g"),
                List.of("10", "11", "12", "13", "14", "star", "16"), train, texts, "sha256:test");
        int[][] trainWithout5 = Arrays.copyOf(train, 6); // item 5 never in training: popularity 0
        return ItemCatalog.of(d, trainWithout5, null);
    }

    private static List<Integer> indices(List<ItemCatalog.Item> items) {
        return items.stream().map(ItemCatalog.Item::index).toList();
    }

    @Test
    void searchRanksExactThenPrefixThenWordStartThenInsideThenPopularity() {
        ItemCatalog c = seven();
        // tier 0: id "star" (item 5, no title); tier 1 (title starts): 1 (pop 3), 0 (pop 1);
        // tier 2 (starts a word): 4 (pop 5), 2 (pop 2), 6 (pop 1); tier 3 (inside a word): 3 "mu-star-d"
        assertEquals(List.of(5, 1, 0, 4, 2, 6, 3), indices(c.search("star", 20)));
        assertEquals(List.of(5, 1, 0, 4, 2, 6, 3), indices(c.search("  STAR ", 20)));
        assertEquals(List.of(5, 1, 0), indices(c.search("star", 3)));
    }

    @Test
    void searchMatchesAllWordsInAnyOrderLast() {
        // "wars star" is no substring; "Star Wars" and "The Wars of the Stars" hold both words
        assertEquals(List.of(1, 6), indices(seven().search("wars star", 10)));
    }

    @Test
    void searchWithoutMatchOrQueryIsEmpty() {
        assertEquals(List.of(), seven().search("xyz", 10));
        assertEquals(List.of(), seven().search("   ", 10));
        assertEquals(List.of(), seven().search("star", 0));
    }

    @Test
    void idsMapBothWaysAndIdentifiersJoin() {
        InteractionDataset d = ServeFixtures.dataset();
        ItemIdentifiers ids = new ItemIdentifiers(List.of(List.of("<a_1>", "<b_2>"), List.of("<a_1>", "<b_3>"),
                List.of("<a_2>"), List.of("<a_3>", "<b_1>")));
        ItemCatalog c = ItemCatalog.of(d, ServeFixtures.TRAIN, ids);
        assertEquals(1, c.indexOf("11").getAsInt());
        assertTrue(c.indexOf("99").isEmpty());
        assertEquals(new ItemCatalog.Item(1, "11", "Star Wars", "<a_1><b_3>", 2), c.get(1));
        assertEquals(null, ServeFixtures.catalog().get(1).identifier());
    }

    @Test
    void movieLensTitlesFromTheRealData() {
        Path ml = Path.of(System.getProperty("siit.shared.data"), "ml-100k");
        InteractionDataset d = DatasetLoader.load(ml, null, 5);
        ItemCatalog c = ItemCatalog.of(d, LeaveOneOutSplit.of(d, 10).train(), null);
        assertEquals(1349, c.size());
        // u.item line 50: "50|Star Wars (1977)|01-Jan-1977|..."
        assertEquals("Star Wars (1977)", c.get(c.indexOf("50").getAsInt()).title());
        // the only title starting with "star wars" comes first
        assertEquals("50", c.search("star wars", 5).get(0).id());
    }
}
