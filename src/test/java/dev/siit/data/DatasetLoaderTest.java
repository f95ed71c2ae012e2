package dev.siit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.io.InputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loaders against the real files in shared/data and the counts documented in SOURCES.md. */
class DatasetLoaderTest {
    static final Path SHARED = Path.of(System.getProperty("siit.shared.data", "../shared/data"));
    static final Path ML = SHARED.resolve("ml-100k");
    static final Path INSTRUMENTS = SHARED.resolve("amazon/Instruments");

    @TempDir
    Path tmp;

    @Test
    void movieLens5CoreCounts() {
        InteractionDataset d = DatasetLoader.load(ML, null, 5);
        assertEquals("ml-100k", d.name());
        assertEquals(943, d.numUsers());
        assertEquals(1349, d.numItems());
        assertEquals(99_287, d.numInteractions());
        for (int[] s : d.sequences()) {
            assertTrue(s.length >= 5);
        }
        assertTrue(d.fingerprint().startsWith("sha256:"));
    }

    @Test
    void movieLensRawCountsAndText() {
        InteractionDataset d = DatasetLoader.load(ML, DatasetFormat.MOVIELENS, 0);
        assertEquals(943, d.numUsers());
        assertEquals(1682, d.numItems());
        assertEquals(100_000, d.numInteractions());
        int toy = d.itemIds().indexOf("1");
        assertEquals("Toy Story (1995)", d.itemTexts().get(toy).title());
        assertEquals("Genres: Animation, Children's, Comedy", d.itemTexts().get(toy).description());
        // u.item is ISO-8859-1: decoded right, accented titles exist
        boolean nonAscii = false;
        for (int i = 0; i < d.numItems(); i++) {
            if (d.itemTexts().get(i) != null && d.itemTexts().get(i).title().contains("\u00e9")) {
                nonAscii = true;
            }
        }
        assertTrue(nonAscii, "some title has an e-acute decoded from ISO-8859-1");
        // the shared u.item has no line for item 267, so it has no text
        assertNull(d.itemTexts().get(d.itemIds().indexOf("267")));
        assertNotEquals(d.fingerprint(), DatasetLoader.load(ML, DatasetFormat.MOVIELENS, 5).fingerprint());
    }

    @Test
    void movieLensSequencesAreChronologicalWithTiesInFileOrder() throws IOException {
        // independent reconstruction: for user 1, sort its u.data rows by (time, line)
        List<long[]> rows = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(ML.resolve("u.data"))) {
            String line;
            long no = 0;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t");
                if (f[0].equals("1")) {
                    rows.add(new long[] {Long.parseLong(f[3]), no, Long.parseLong(f[1])});
                }
                no++;
            }
        }
        rows.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        InteractionDataset d = DatasetLoader.load(ML, null, 0);
        int u = d.userIds().indexOf("1");
        int[] seq = d.sequences()[u];
        assertEquals(rows.size(), seq.length);
        int ties = 0;
        for (int t = 0; t < seq.length; t++) {
            assertEquals(String.valueOf(rows.get(t)[2]), d.itemIds().get(seq[t]), "position " + t);
            if (t > 0 && rows.get(t)[0] == rows.get(t - 1)[0]) {
                ties++;
            }
        }
        assertTrue(ties > 0, "user 1 has equal timestamps, so the tie rule is exercised");
    }

    @Test
    void instrumentsCounts() {
        InteractionDataset d = DatasetLoader.load(INSTRUMENTS, null, 5);
        assertEquals("Instruments", d.name());
        assertEquals(24_772, d.numUsers());
        assertEquals(9_922, d.numItems());
        assertEquals(206_153, d.numInteractions());
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int[] s : d.sequences()) {
            min = Math.min(min, s.length);
            max = Math.max(max, s.length);
        }
        assertEquals(5, min);
        assertEquals(218, max);
        assertEquals(8.32, d.numInteractions() / (double) d.numUsers(), 0.005);
        assertEquals(0, d.itemsWithTitle());
        assertThrows(InputException.class, () -> d.requireTitles("TIGER"));
        // already 5-core: filtering changes nothing, and the file's own order is kept
        assertEquals(206_153, DatasetLoader.load(INSTRUMENTS.resolve("Instruments.inter.json"), null, 0).numInteractions());
    }

    @Test
    void letterSequencesKeepTheFileOrder() throws IOException {
        Path f = tmp.resolve("T.inter.json");
        Files.writeString(f, "{\"7\": [3, 1, 2], \"5\": [\"1\", 3]}");
        Files.writeString(tmp.resolve("T.item.json"), "{\"3\": {\"title\": \"Drum\", \"description\": \"loud\"}}");
        InteractionDataset d = DatasetLoader.load(tmp, null, 0);
        assertEquals("T", d.name());
        assertEquals(List.of("7", "5"), d.userIds());
        assertEquals(List.of("3", "1", "2"), d.itemIds());
        assertEquals(List.of(1, 0), List.of(d.sequences()[1][0], d.sequences()[1][1]));
        assertEquals("Drum", d.itemTexts().get(0).title());
        assertEquals("Drum. loud", d.itemTexts().get(0).fullText());
    }

    @Test
    void malformedJsonNamesFileAndLine() throws IOException {
        Path f = tmp.resolve("T.inter.json");
        Files.writeString(f, "{\n\"1\": [1, 2],\n\"2\": [1 2]\n}");
        InputException e = assertThrows(InputException.class, () -> DatasetLoader.load(f, null, 0));
        assertTrue(e.getMessage().startsWith(f + " line 3: malformed JSON"), e.getMessage());
    }

    @Test
    void duplicateUserInLetterJson() throws IOException {
        Path f = tmp.resolve("T.inter.json");
        Files.writeString(f, "{\"1\": [1, 2],\n\"1\": [3]}");
        InputException e = assertThrows(InputException.class, () -> DatasetLoader.load(f, null, 0));
        assertTrue(e.getMessage().startsWith(f + " line 2: malformed JSON (Duplicate field '1')"), e.getMessage());
    }

    @Test
    void emptyAfterFilteringAndUnknownFormat() throws IOException {
        Path f = tmp.resolve("T.inter.json");
        Files.writeString(f, "{\"1\": [1, 2], \"2\": [3]}");
        assertEquals("dataset " + f + " is empty after 5-core filtering",
                assertThrows(InputException.class, () -> DatasetLoader.load(f, null, 5)).getMessage());
        assertEquals("unknown dataset format 'parquet': use movielens, letter or csv",
                assertThrows(InputException.class, () -> DatasetFormat.parse("parquet")).getMessage());
        Path other = tmp.resolve("x.txt");
        Files.writeString(other, "hello");
        assertTrue(assertThrows(InputException.class, () -> DatasetLoader.load(other, null, 5)).getMessage()
                .startsWith("cannot tell the format of " + other));
        assertEquals("no such file or folder: " + tmp.resolve("nope"),
                assertThrows(InputException.class, () -> DatasetLoader.load(tmp.resolve("nope"), null, 5)).getMessage());
    }
}
