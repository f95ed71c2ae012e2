package dev.siit.ids.rqvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.io.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingFilesTest {
    @TempDir
    Path dir;

    @Test
    void npyRoundTripMatchesRowsById() {
        Path npy = dir.resolve("item-embeddings.npy");
        EmbeddingTable.write(npy, List.of("b", "a", "c"), new float[][] {{1, 2}, {3, 4}, {5, 6.5f}});
        assertTrue(Files.exists(dir.resolve("item-embeddings.items.json")));
        float[][] rows = CollaborativeEmbeddings.read(npy, List.of("a", "b", "c")); // dataset order differs
        assertArrayEquals(new float[] {3, 4}, rows[0]);
        assertArrayEquals(new float[] {1, 2}, rows[1]);
        assertArrayEquals(new float[] {5, 6.5f}, rows[2]);
    }

    @Test
    void jsonFormAndErrors() throws Exception {
        Path json = dir.resolve("cf.json");
        Files.writeString(json, "{\"items\": [\"a\", \"b\"], \"embeddings\": [[1, 2], [3, 4]]}");
        float[][] rows = CollaborativeEmbeddings.read(json, List.of("b", "a"));
        assertArrayEquals(new float[] {3, 4}, rows[0]);
        InputException missing = assertThrows(InputException.class,
                () -> CollaborativeEmbeddings.read(json, List.of("a", "b", "z")));
        assertTrue(missing.getMessage().contains("1 items of the dataset have no embedding"), missing.getMessage());
        InputException unknown = assertThrows(InputException.class, () -> CollaborativeEmbeddings.read(json, List.of("a")));
        assertTrue(unknown.getMessage().contains("\"b\""), unknown.getMessage());
        Files.writeString(json, "{\"items\": [\"a\"], \"embeddings\": [[1, 2]");
        InputException bad = assertThrows(InputException.class, () -> CollaborativeEmbeddings.read(json, List.of("a")));
        assertTrue(bad.getMessage().contains(json + " line 1"), bad.getMessage());
        Path npy = dir.resolve("x.npy");
        Files.write(npy, new byte[] {1, 2, 3});
        assertThrows(InputException.class, () -> CollaborativeEmbeddings.read(npy, List.of("a")));
    }

    @Test
    void miniLmPlacesRelatedTitlesCloser() {
        float[][] e = TextEmbedder.embed(List.of("Star Wars (1977). Genres: Action, Adventure, Sci-Fi",
                "Return of the Jedi (1983). Genres: Action, Adventure, Sci-Fi",
                "Sense and Sensibility (1995). Genres: Drama, Romance"));
        assertEquals(3, e.length);
        assertEquals(TextEmbedder.DIM, e[0].length);
        double norm = 0;
        for (float v : e[0]) {
            norm += v * v;
        }
        assertEquals(1.0, norm, 1e-4);
        assertTrue(dot(e[0], e[1]) > dot(e[0], e[2]) + 0.1, dot(e[0], e[1]) + " vs " + dot(e[0], e[2]));
        float[][] again = TextEmbedder.embed(List.of("Star Wars (1977). Genres: Action, Adventure, Sci-Fi"));
        assertArrayEquals(e[0], again[0], 1e-6f);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
