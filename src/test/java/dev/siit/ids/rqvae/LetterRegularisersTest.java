package dev.siit.ids.rqvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.siit.ids.CollisionResolution;
import dev.siit.ids.CollisionResolver;
import dev.siit.ids.IdentifierStats;
import dev.siit.ids.IndexedItems;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.ids.TrainingItems;
import dev.siit.data.ItemText;
import dev.siit.io.InputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LetterRegularisersTest {

    @Test
    void letterWithoutCollaborativeEmbeddingsIsRefusedBeforeAnyWork() {
        TrainingItems items = new TrainingItems("t", List.of("1", "2"),
                List.of(new ItemText("A", ""), new ItemText("B", "")), new int[][] {{0, 1}});
        InputException e = assertThrows(InputException.class,
                () -> new RqVaeIndexer("letter", RqVaeConfig.LETTER, "cpu", false, null).index(items, 1));
        assertTrue(e.getMessage().contains("--cf-embeddings"), e.getMessage());
        TrainingItems untitled = new TrainingItems("t", List.of("1", "2"),
                java.util.Arrays.asList(new ItemText("A", ""), null), new int[][] {{0, 1}});
        e = assertThrows(InputException.class,
                () -> new RqVaeIndexer("tiger", RqVaeConfig.TIGER, "cpu", false, null).index(untitled, 1));
        assertTrue(e.getMessage().contains("TIGER needs item titles, but 1 of 2 items"), e.getMessage());
    }

    @Test
    void infoNceMatchesHandComputedValue() {
        try (NDManager m = NDManager.newBaseManager()) {
            // rows already unit length; own pair similarity 1, others 0 (first pair) or 0.6
            NDArray a = m.create(new float[] {1, 0, 0, 1, 0.6f, 0.8f}, new Shape(3, 2));
            NDArray h = m.create(new float[] {1, 0, 0, 1, 0.6f, 0.8f}, new Shape(3, 2));
            double t = 0.7;
            double loss = RqVaeTrainer.infoNce(a, h, t).getFloat();
            // row 0: sims (1, 0, 0.6); row 1: (0, 1, 0.8); row 2: (0.6, 0.8, 1)
            double[][] s = {{1, 0, 0.6}, {0, 1, 0.8}, {0.6, 0.8, 1}};
            double expect = 0;
            for (int i = 0; i < 3; i++) {
                double z = 0;
                for (int j = 0; j < 3; j++) {
                    z += Math.exp(s[i][j] / t);
                }
                expect += -Math.log(Math.exp(s[i][i] / t) / z);
            }
            assertEquals(expect / 3, loss, 1e-5);
        }
    }

    @Test
    void letterTrainingWithBothRegularisersIsReproducibleAndSinkhornPlusSuffixIsUnique() {
        float[][] x = RqVaeTrainerTest.synthetic(120, 3);
        float[][] cf = RqVaeTrainerTest.synthetic(120, 4); // stand-in collaborative embeddings, dim 16 != 8
        RqVaeConfig c = new RqVaeConfig(3, 4, 8, List.of(16), 6, 40, 1e-2, 1e-4, 0.25, 0.5, 0.7, 0.1, 2, null, 2);
        RqVaeIndexer ix = new RqVaeIndexer("letter", c, "cpu", false, null);
        IndexedItems a = ix.fromEmbeddings(x, cf, 7);
        IndexedItems b = new RqVaeIndexer("letter", c, "cpu", false, null).fromEmbeddings(x, cf, 7);
        assertEquals(a.ids(), b.ids());
        assertEquals(3, a.ids().maxLength());
        // 4^3 = 64 identifiers for 120 items: collisions are certain before resolution
        assertTrue(IdentifierStats.of(a.ids()).collidingItems() > 0);
        ItemIdentifiers resolved = CollisionResolver.resolve(a, CollisionResolution.SINKHORN, "letter");
        assertEquals(0, IdentifierStats.of(resolved).collidingItems());
        assertTrue(resolved.unique());
        double[][] d = a.lastLevel().distances(new int[] {0, 1});
        assertEquals(2, d.length);
        assertEquals(4, d[0].length);
        assertArrayEquals(d[0], b.lastLevel().distances(new int[] {0})[0], 0.0);
    }
}
