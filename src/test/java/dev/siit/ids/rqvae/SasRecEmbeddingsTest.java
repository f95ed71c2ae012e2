package dev.siit.ids.rqvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.baseline.BaselineConfig;
import dev.siit.baseline.BaselineRun;
import dev.siit.data.InteractionDataset;
import dev.siit.io.NpyMatrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SASRec item embeddings LETTER reads are the files {@code siit baseline --model sasrec}
 * writes ({@link BaselineRun}), and they are made from training interactions only.
 */
class SasRecEmbeddingsTest {
    /** Original ids deliberately not in sorted order, so row order and id order differ. */
    static final List<String> IDS = List.of("i7", "i3", "i0", "i5", "i1", "i6", "i2", "i4");
    static final int DIM = 16;

    @TempDir
    Path dir;

    /** 10 users over 8 items: user u visits (u + 3t) mod 8 for 6 or 7 steps. */
    static int[][] sequences() {
        int[][] s = new int[10][];
        for (int u = 0; u < s.length; u++) {
            s[u] = new int[6 + u % 2];
            for (int t = 0; t < s[u].length; t++) {
                s[u][t] = (u + 3 * t) % IDS.size();
            }
        }
        return s;
    }

    static InteractionDataset data(int[][] seqs) {
        List<String> users = new ArrayList<>();
        for (int u = 0; u < seqs.length; u++) {
            users.add("u" + u);
        }
        return new InteractionDataset("tiny", users, IDS, seqs, Collections.nCopies(IDS.size(), null), "tiny");
    }

    /** SASRec, 1 block, d = 16, no dropout, ONE epoch: no epoch is picked by validation. */
    static BaselineConfig sasrec() {
        return new BaselineConfig("sasrec", 5, DIM, 1, 2, 32, 0.0, 0.0, "ce", 0.03, 0.0, 4, 1, 1, 64, 3, 4, 2, 0.3, 0.0);
    }

    private Path trainSasRec(int[][] seqs, String name) {
        Path run = dir.resolve(name);
        BaselineRun.execute(data(seqs), sasrec(), 7, Device.cpu(), run, true);
        return run.resolve("item-embeddings.npy");
    }

    @Test
    void readerMatchesTheBaselinesFileRowsById() throws Exception {
        Path npy = trainSasRec(sequences(), "run");
        // the baseline's own reader: (items, d) float32, no padding row
        NpyMatrix m = NpyMatrix.read(npy);
        assertEquals(IDS.size(), m.rows());
        assertEquals(DIM, m.cols());
        List<String> ids = Arrays.asList(new ObjectMapper().readValue(
                npy.resolveSibling("item-embeddings.items.json").toFile(), String[].class));
        assertEquals(IDS, ids);
        // a dataset listing the same items in another order gets row k of the file for ids.get(k)
        List<String> reversed = new ArrayList<>(IDS);
        Collections.reverse(reversed);
        float[][] rows = CollaborativeEmbeddings.read(npy, reversed);
        for (int i = 0; i < reversed.size(); i++) {
            int k = IDS.indexOf(reversed.get(i));
            assertArrayEquals(Arrays.copyOfRange(m.values(), k * DIM, (k + 1) * DIM), rows[i], reversed.get(i));
        }
    }

    @Test
    void heldOutItemsDoNotReachTheEmbeddings() {
        int[][] base = sequences();
        float[][] a = CollaborativeEmbeddings.read(trainSasRec(base, "a"), IDS);
        // replace every user's validation and test item (the last two) by other items
        int[][] heldOut = copy(base);
        for (int[] s : heldOut) {
            s[s.length - 1] = (s[s.length - 1] + 4) % IDS.size();
            s[s.length - 2] = (s[s.length - 2] + 5) % IDS.size();
        }
        float[][] b = CollaborativeEmbeddings.read(trainSasRec(heldOut, "b"), IDS);
        for (int i = 0; i < IDS.size(); i++) {
            assertArrayEquals(a[i], b[i], IDS.get(i)); // bit-identical
        }
        // control: changing one training interaction does change them
        int[][] train = copy(base);
        train[0][1] = (train[0][1] + 1) % IDS.size();
        float[][] c = CollaborativeEmbeddings.read(trainSasRec(train, "c"), IDS);
        assertFalse(Arrays.deepEquals(a, c));
    }

    private static int[][] copy(int[][] s) {
        int[][] c = new int[s.length][];
        for (int u = 0; u < s.length; u++) {
            c[u] = s[u].clone();
        }
        return c;
    }
}
