package dev.siit.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.data.ItemText;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexFileTest {
    static final Path SHARED = Path.of(System.getProperty("siit.shared.data", "../shared/data"));

    @TempDir
    Path dir;

    /** Three items with original ids "10", "20", "30". */
    static InteractionDataset tiny() {
        List<ItemText> texts = new ArrayList<>(Arrays.asList(null, null, null));
        return new InteractionDataset("tiny", List.of("u1"), List.of("10", "20", "30"),
                new int[][] {{0, 1, 2}}, texts, "fp");
    }

    @Test
    void realInstrumentsIndexLoadsWithLetterStatistics() {
        InteractionDataset data = DatasetLoader.load(SHARED.resolve("amazon/Instruments"), null, 5);
        ItemIdentifiers ids = IndexFile.read(SHARED.resolve("amazon/Instruments/Instruments.index.json"), data);
        assertEquals(9922, ids.numItems());
        IdentifierStats s = IdentifierStats.of(ids);
        assertEquals(4, s.levels());
        assertEquals(List.of(150, 256, 256, 256), s.codesUsed());
        assertEquals(48, s.collidingItems());
        assertEquals(48.0 / 9922, s.collisionRate(), 1e-12);
        // the file's first entry is "0": ["<a_128>", "<b_241>", "<c_146>", "<d_235>"]
        int item0 = data.itemIds().indexOf("0");
        assertEquals(List.of("<a_128>", "<b_241>", "<c_146>", "<d_235>"), ids.of(item0));
        assertTrue(s.entropyBits().get(0) <= Math.log(150) / Math.log(2) + 1e-9);
    }

    @Test
    void roundTripKeepsEveryIdentifier() throws IOException {
        InteractionDataset data = tiny();
        ItemIdentifiers ids = new ItemIdentifiers(List.of(
                List.of("<a_1>", "<b_2>"), List.of("<a_1>", "<b_3>"), List.of("<a_0>", "<b_2>", "<c_0>")));
        Path f = dir.resolve("x.index.json");
        IndexFile.write(f, data, ids);
        assertEquals(ids, IndexFile.read(f, data));
        assertTrue(Files.readString(f).contains("\"30\": [\"<a_0>\", \"<b_2>\", \"<c_0>\"]"));
        // titles (TID) with characters JSON must escape
        ItemIdentifiers titles = new ItemIdentifiers(List.of(
                List.of("Say \"Hi\" (1995)"), List.of("Caf\u00e9\\Bar"), List.of("Say \"Hi\" (1995)", "<b_1>")));
        IndexFile.write(f, data, titles);
        assertEquals(titles, IndexFile.read(f, data, IndexFile.TokenKind.TITLE));
    }

    @Test
    void missingItemsAreNamed() throws IOException {
        Path f = write("{\n  \"10\": [\"<a_1>\"],\n  \"30\": [\"<a_2>\"]\n}\n");
        InputException e = assertThrows(InputException.class, () -> IndexFile.read(f, tiny()));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("1 of 3 items") && e.getMessage().contains("[20]"), e.getMessage());
    }

    @Test
    void unknownItemIdNamesLine() throws IOException {
        Path f = write("{\n  \"10\": [\"<a_1>\"],\n  \"20\": [\"<a_2>\"],\n  \"99\": [\"<a_3>\"]\n}\n");
        InputException e = assertThrows(InputException.class, () -> IndexFile.read(f, tiny()));
        assertTrue(e.getMessage().contains(f + " line 4") && e.getMessage().contains("\"99\""), e.getMessage());
    }

    @Test
    void malformedJsonNamesLine() throws IOException {
        Path f = write("{\n  \"10\": [\"<a_1>\"],\n  \"20\": [\"<a_2>\"\n  \"30\": [\"<a_3>\"]\n}\n");
        InputException e = assertThrows(InputException.class, () -> IndexFile.read(f, tiny()));
        assertTrue(e.getMessage().startsWith(f + " line 4: malformed JSON"), e.getMessage());
    }

    @Test
    void malformedTokenNamesLineAndToken() throws IOException {
        Path f = write("{\n  \"10\": [\"<a_1>\"],\n  \"20\": [\"a_2\"],\n  \"30\": [\"<a_3>\"]\n}\n");
        InputException e = assertThrows(InputException.class, () -> IndexFile.read(f, tiny()));
        assertTrue(e.getMessage().contains(f + " line 3") && e.getMessage().contains("\"a_2\""), e.getMessage());
        Path g = write("{\"10\": [\"<a_1>\"], \"20\": [], \"30\": [\"<a_3>\"]}");
        assertThrows(InputException.class, () -> IndexFile.read(g, tiny()));
        Path h = write("{\"10\": [\"<a_1>\"], \"10\": [\"<a_2>\"], \"20\": [\"<a_3>\"], \"30\": [\"<a_4>\"]}");
        assertTrue(assertThrows(InputException.class, () -> IndexFile.read(h, tiny())).getMessage().contains("twice"));
        Path missing = dir.resolve("nope.index.json");
        assertTrue(assertThrows(InputException.class, () -> IndexFile.read(missing, tiny()))
                .getMessage().contains(missing.toString()));
    }

    private Path write(String content) throws IOException {
        Path f = Files.createTempFile(dir, "bad", ".index.json");
        Files.writeString(f, content);
        return f;
    }
}
