package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.data.DatasetFormat;
import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.ids.IndexFile;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.io.InputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ids sid|iid|FILE} on MovieLens-100K gives the tokens the CLI's own readers gave before
 * they were replaced by the ids package: the expectations are computed here from the definitions.
 */
class IdentifierSchemesTest {
    private static final InteractionDataset ML = DatasetLoader.load(
            Path.of(System.getProperty("siit.shared.data")).resolve("ml-100k"), DatasetFormat.parse("movielens"), 5);

    @Test
    void sidNumbersItemsFrom1001InTrainingFirstAppearanceOrderOneTokenPerDigit() {
        int[][] train = LeaveOneOutSplit.of(ML, 10).train();
        ItemIdentifiers ids = IdentifierSchemes.resolve("sid", ML, train);
        // the definition: rank = first appearance reading train[0], train[1], ...; unseen items after
        int[] rank = new int[ML.numItems()];
        Arrays.fill(rank, -1);
        int next = 0;
        for (int[] s : train) {
            for (int item : s) {
                if (rank[item] < 0) {
                    rank[item] = next++;
                }
            }
        }
        for (int i = 0; i < rank.length; i++) {
            if (rank[i] < 0) {
                rank[i] = next++;
            }
        }
        assertEquals(1349, ML.numItems());
        for (int i = 0; i < ML.numItems(); i++) {
            String digits = String.valueOf(1001 + rank[i]); // 1001..2349: four digits
            List<String> expected = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                expected.add("<" + (char) ('a' + p) + "_" + digits.charAt(p) + ">");
            }
            assertEquals(expected, ids.of(i), "item " + ML.itemIds().get(i));
        }
        // the first item of the first user's training sequence is 1001
        assertEquals(List.of("<a_1>", "<b_0>", "<c_0>", "<d_1>"), ids.of(train[0][0]));
    }

    @Test
    void iidIsOneTokenPerDenseItem() {
        ItemIdentifiers ids = IdentifierSchemes.resolve("iid", ML, LeaveOneOutSplit.of(ML, 10).train());
        for (int i = 0; i < ML.numItems(); i++) {
            assertEquals(List.of("<a_" + i + ">"), ids.of(i));
        }
    }

    @Test
    void indexFileIsReadByIdAndAMissingFileIsNamed(@TempDir Path dir) {
        List<List<String>> tokens = new ArrayList<>();
        for (int i = 0; i < ML.numItems(); i++) {
            tokens.add(List.of("<a_" + i % 7 + ">", "<b_" + i + ">"));
        }
        Path file = dir.resolve("ml.index.json");
        IndexFile.write(file, ML, new ItemIdentifiers(tokens));
        ItemIdentifiers back = IdentifierSchemes.resolve(file.toString(), ML, new int[0][]);
        for (int i = 0; i < ML.numItems(); i++) {
            assertEquals(tokens.get(i), back.of(i));
        }
        InputException e = assertThrows(InputException.class,
                () -> IdentifierSchemes.resolve(dir.resolve("none.json").toString(), ML, new int[0][]));
        assertTrue(e.getMessage().startsWith("--ids must be sid, iid or an .index.json file; no such file: "),
                e.getMessage());
    }
}
