package dev.siit.ids.cid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.arpack.NativeARPACK;
import dev.siit.ids.IdentifierStats;
import dev.siit.ids.ItemIdentifiers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CollaborativeIndexerTest {

    /**
     * Users who each buy 6 items of one community of {@code size} items (community c = items
     * c*size .. c*size+size-1, interleaved in item order so a community is not a block of
     * consecutive ids), plus {@code noise} users mixing two communities.
     */
    static int[][] communitySequences(int communities, int size, int usersPer, int noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> seqs = new ArrayList<>();
        for (int c = 0; c < communities; c++) {
            for (int u = 0; u < usersPer; u++) {
                int[] s = new int[6];
                for (int t = 0; t < 6; t++) {
                    s[t] = member(c, r.nextInt(size), communities);
                }
                seqs.add(s);
            }
        }
        for (int u = 0; u < noise; u++) {
            seqs.add(new int[] {member(r.nextInt(communities), r.nextInt(size), communities),
                    member(r.nextInt(communities), r.nextInt(size), communities)});
        }
        return seqs.toArray(new int[0][]);
    }

    /** Item k of community c: items are interleaved, item id = k * communities + c. */
    static int member(int c, int k, int communities) {
        return k * communities + c;
    }

    @Test
    void firstLevelFollowsCommunitiesOnArpackPath() {
        int communities = 4;
        int size = 60; // 240 nodes: ARPACK path
        int[][] seqs = communitySequences(communities, size, 150, 10, 1);
        CooccurrenceGraph g = CooccurrenceGraph.fromSequences(communities * size, seqs, 0);
        ItemIdentifiers ids = new CollaborativeIndexer(new CidConfig(4, 70, 0, 5, 100)).cluster(g, new SplittableRandom(7));
        assertCommunitiesSplit(ids, communities, size);
        // leaves of 60 <= 70: two levels, cluster then position, unique
        assertEquals(2, ids.maxLength());
        assertTrue(ids.unique());
        assertEquals(List.of(4, 60), IdentifierStats.of(ids).codesUsed());
    }

    @Test
    void firstLevelFollowsCommunitiesOnDensePathAndRecursesInLargeClusters() {
        // 3 communities of 20 (60 nodes: dense eigen-solver); leaf size 5 forces a second split
        int[][] seqs = communitySequences(3, 20, 60, 0, 2);
        CooccurrenceGraph g = CooccurrenceGraph.fromSequences(60, seqs, 0);
        ItemIdentifiers ids = new CollaborativeIndexer(new CidConfig(3, 5, 0, 5, 100)).cluster(g, new SplittableRandom(3));
        assertCommunitiesSplit(ids, 3, 20);
        assertTrue(ids.unique());
        assertTrue(ids.maxLength() >= 3, "clusters of 20 > 5 must be split again");
        for (int i = 0; i < 60; i++) {
            assertTrue(Integer.parseInt(ids.of(i).get(ids.of(i).size() - 1).replaceAll("\\D", "")) < 5,
                    "leaf position below the leaf size");
        }
    }

    @Test
    void sameSeedSameIdentifiers() {
        int[][] seqs = communitySequences(4, 60, 100, 20, 5);
        CooccurrenceGraph g = CooccurrenceGraph.fromSequences(240, seqs, 0);
        CollaborativeIndexer cid = new CollaborativeIndexer(new CidConfig(4, 30, 0, 3, 100));
        assertEquals(cid.cluster(g, new SplittableRandom(11)), cid.cluster(g, new SplittableRandom(11)));
    }

    @Test
    void cooccurrenceCountsPairsWithinWindow() {
        // one user: 0 1 2 0 -> pairs (0,1) (0,2) (1,2) (1,0) (2,0); (0,0) dropped
        int[][] seqs = {{0, 1, 2, 0}};
        CooccurrenceGraph all = CooccurrenceGraph.fromSequences(3, seqs, 0);
        assertEquals(3.0, weight(all, 0, 1) + weight(all, 0, 2) + weight(all, 1, 2) - 2.0); // 2 + 2 + 1 = 5
        assertEquals(2.0, weight(all, 0, 1));
        assertEquals(2.0, weight(all, 2, 0));
        assertEquals(1.0, weight(all, 1, 2));
        CooccurrenceGraph w1 = CooccurrenceGraph.fromSequences(3, seqs, 1); // adjacent only: 0-1, 1-2, 2-0
        assertEquals(1.0, weight(w1, 0, 1));
        assertEquals(1.0, weight(w1, 1, 2));
        assertEquals(1.0, weight(w1, 0, 2));
    }

    @Test
    void arpackEigenpairsSatisfyTheEigenEquation() {
        int[][] seqs = communitySequences(5, 30, 60, 30, 9);
        CooccurrenceGraph g = CooccurrenceGraph.fromSequences(150, seqs, 0);
        double[][] rows = SpectralEmbedding.leadingEigenvectors(g, 5, new SplittableRandom(1));
        double[] dinv = g.degrees();
        for (int i = 0; i < dinv.length; i++) {
            dinv[i] = dinv[i] > 0 ? 1 / Math.sqrt(dinv[i]) : 0;
        }
        for (int j = 0; j < 5; j++) {
            double[] v = new double[150];
            for (int i = 0; i < 150; i++) {
                v[i] = rows[i][j];
            }
            double[] mv = new double[150];
            SpectralEmbedding.multiply(g, dinv, v, 0, mv, 0);
            double lambda = 0;
            double norm = 0;
            for (int i = 0; i < 150; i++) {
                lambda += v[i] * mv[i];
                norm += v[i] * v[i];
            }
            assertEquals(1.0, norm, 1e-6);
            double res = 0;
            for (int i = 0; i < 150; i++) {
                res += (mv[i] - lambda * v[i]) * (mv[i] - lambda * v[i]);
            }
            assertTrue(Math.sqrt(res) < 1e-6, "residual " + Math.sqrt(res));
            assertTrue(lambda > 0.5, "a leading eigenvalue of 5 near-separate communities, got " + lambda);
        }
    }

    @Test
    void theEigenSolverIsPureJavaWhateverTheSystemHas() {
        // the native ARPACK (Debian's libarpack2, when installed) brings OpenBLAS into the
        // process and changes the bits of later training; see SpectralEmbedding
        assertFalse(SpectralEmbedding.solver() instanceof NativeARPACK, SpectralEmbedding.solver().getClass().getName());
    }

    private static double weight(CooccurrenceGraph g, int a, int b) {
        for (int p = g.rowPtr()[a]; p < g.rowPtr()[a + 1]; p++) {
            if (g.col()[p] == b) {
                return g.val()[p];
            }
        }
        return 0;
    }

    /** Every community gets one first-level token of its own. */
    private static void assertCommunitiesSplit(ItemIdentifiers ids, int communities, int size) {
        Map<Integer, Set<String>> firstTokens = new HashMap<>();
        for (int i = 0; i < communities * size; i++) {
            firstTokens.computeIfAbsent(i % communities, c -> new HashSet<>()).add(ids.of(i).get(0));
        }
        Set<String> distinct = new HashSet<>();
        for (int c = 0; c < communities; c++) {
            assertEquals(1, firstTokens.get(c).size(), "community " + c + " split over " + firstTokens.get(c));
            distinct.addAll(firstTokens.get(c));
        }
        assertEquals(communities, distinct.size());
    }
}
