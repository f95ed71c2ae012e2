package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.siit.data.InteractionDataset;
import dev.siit.data.ItemText;
import dev.siit.ids.ItemIdentifiers;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlignmentTasksTest {

    private static InteractionDataset tiny() {
        return new InteractionDataset("tiny", List.of("u0"), List.of("i0", "i1", "i2"), new int[][] {{0, 1, 2}},
                Arrays.asList(new ItemText("Toy Story (1995)", "Animation"), null, new ItemText("Heat (1995)", "")),
                "fp");
    }

    private static final ItemIdentifiers IDS = new ItemIdentifiers(List.of(
            List.of("<a_1>", "<b_2>", "<c_3>"),
            List.of("<a_1>", "<b_0>", "<c_0>"),
            List.of("<a_0>", "<b_5>", "<c_2>", "<d_1>")));

    @Test
    void bothTasksForEveryItemWithATitle() {
        List<AlignmentTasks.Example> ex = AlignmentTasks.paper().build(tiny(), IDS);
        assertEquals(4, ex.size()); // item 1 has no text
        assertEquals(new AlignmentTasks.Example(AlignmentTasks.Task.ITEM_TO_IDENTIFIER, 0,
                "Please generate the index for the item called Toy Story (1995):", "<a_1><b_2><c_3>"), ex.get(0));
        assertEquals(new AlignmentTasks.Example(AlignmentTasks.Task.IDENTIFIER_TO_ITEM, 0,
                "Please generate the name for the item corresponding to <a_1><b_2><c_3>:", "Toy Story (1995)"), ex.get(1));
        assertEquals("Please generate the index for the item called Heat (1995):", ex.get(2).prompt());
        assertEquals("<a_0><b_5><c_2><d_1>", ex.get(2).target());
        assertEquals("Please generate the name for the item corresponding to <a_0><b_5><c_2><d_1>:", ex.get(3).prompt());
        assertEquals("Heat (1995)", ex.get(3).target());
        assertArrayEquals(new int[] {0, 2}, AlignmentTasks.itemsWithTitle(tiny()));
    }

    @Test
    void templatesNeedTheirPlaceholders() {
        assertThrows(IllegalArgumentException.class, () -> new AlignmentTasks("index for", "name for {identifier}"));
        assertThrows(IllegalArgumentException.class, () -> new AlignmentTasks("index for {title}", "name for"));
    }
}
