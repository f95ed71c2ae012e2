package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DiverseIdentifierAssignerTest {

    private static final List<String> X = List.of("<a_0>", "<b_0>");
    private static final List<String> Y = List.of("<a_0>", "<b_1>");
    private static final List<String> Z = List.of("<a_1>", "<b_0>");
    private static final List<String> P = List.of("<a_2>", "<b_0>");
    private static final List<String> Q = List.of("<a_2>", "<b_1>");
    private static final List<String> R = List.of("<a_2>", "<b_2>");

    private static Candidate c(List<String> id, double score) {
        return new Candidate(id, score);
    }

    private static IdentifierAssignment assign(AssignmentStrategy s, List<List<Candidate>> cands) {
        return new DiverseIdentifierAssigner(s).assign(cands);
    }

    /**
     * Items 0,1 contend for X (item 1 is more confident); items 2,3 contend for P (item 2 is more
     * confident on its best, but its second choice Q is nearly as good while item 3's is awful).
     * Hand-computed totals: paper -9.1, confident-first -6.4, optimal -1.8.
     */
    private static List<List<Candidate>> contended() {
        return List.of(
                List.of(c(X, -1.0), c(Y, -1.2)),
                List.of(c(X, -0.1), c(Y, -3.0)),
                List.of(c(P, -0.1), c(Q, -0.2)),
                List.of(c(P, -0.3), c(R, -5.0)));
    }

    @Test
    void paperOrderTakesFirstFreeIdentifierInItemOrder() {
        IdentifierAssignment a = assign(AssignmentStrategy.PAPER, contended());
        assertEquals(List.of(X, Y, P, R), a.identifiers());
        assertArrayEquals(new int[] {0, 1, 0, 1}, a.chosenRank());
        assertEquals(-1.0 - 3.0 - 0.1 - 5.0, a.totalScore(), 1e-12);
        assertEquals(0, a.fallbacks());
    }

    @Test
    void confidentFirstLetsTheSurestItemChooseFirst() {
        IdentifierAssignment a = assign(AssignmentStrategy.CONFIDENT_FIRST, contended());
        // order: item 1 (-0.1), item 2 (-0.1, tie -> item order), item 3 (-0.3), item 0 (-1.0)
        assertEquals(List.of(Y, X, P, R), a.identifiers());
        assertEquals(-1.2 - 0.1 - 0.1 - 5.0, a.totalScore(), 1e-12);
    }

    @Test
    void optimalMaximisesTotalLogProbability() {
        IdentifierAssignment a = assign(AssignmentStrategy.OPTIMAL, contended());
        assertEquals(List.of(Y, X, Q, P), a.identifiers());
        assertArrayEquals(new int[] {1, 0, 1, 0}, a.chosenRank());
        assertEquals(-1.2 - 0.1 - 0.2 - 0.3, a.totalScore(), 1e-12);
        double paper = assign(AssignmentStrategy.PAPER, contended()).totalScore();
        double confident = assign(AssignmentStrategy.CONFIDENT_FIRST, contended()).totalScore();
        assertTrue(a.totalScore() > confident && confident > paper);
    }

    @Test
    void anItemWhoseWholeListIsTakenGetsItsTopIdentifier() {
        List<List<Candidate>> cands = List.of(
                List.of(c(X, -0.1), c(Y, -0.2)),
                List.of(c(X, -0.3)),
                List.of(c(Y, -0.4), c(X, -0.5)));
        IdentifierAssignment paper = assign(AssignmentStrategy.PAPER, cands);
        // item 0 takes X, item 1 finds X taken -> falls back to X, item 2 takes Y
        assertEquals(List.of(X, X, Y), paper.identifiers());
        assertArrayEquals(new int[] {0, -1, 0}, paper.chosenRank());
        assertEquals(1, paper.fallbacks());
        assertEquals(-0.5, paper.totalScore(), 1e-12);
        // optimal first maximises the number of distinct identifiers: 2 columns, so one fallback;
        // the best 2-item matchings are {0:X,2:Y} and {0:Y,1:X}, both -0.5 ({1:X,2:Y} and {0:Y,2:X} give -0.7)
        IdentifierAssignment opt = assign(AssignmentStrategy.OPTIMAL, cands);
        assertEquals(1, opt.fallbacks());
        assertEquals(-0.5, opt.totalScore(), 1e-12);
    }

    @Test
    void optimalPrefersMoreDistinctItemsOverScore() {
        // paper: item 0 takes X, item 1 must fall back; optimal moves item 0 to Y so both are distinct
        List<List<Candidate>> cands = List.of(
                List.of(c(X, -0.1), c(Y, -9.0)),
                List.of(c(X, -0.3)));
        assertEquals(1, assign(AssignmentStrategy.PAPER, cands).fallbacks());
        IdentifierAssignment opt = assign(AssignmentStrategy.OPTIMAL, cands);
        assertEquals(List.of(Y, X), opt.identifiers());
        assertEquals(0, opt.fallbacks());
        assertEquals(-9.3, opt.totalScore(), 1e-12);
    }

    @Test
    void optimalMatchesBruteForceOnRandomCases() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(6);
            int pool = 1 + rnd.nextInt(6);
            List<List<Candidate>> cands = randomCase(rnd, n, pool, 4);
            IdentifierAssignment opt = assign(AssignmentStrategy.OPTIMAL, cands);
            double[] best = bruteForce(cands);
            assertEquals((int) best[0], opt.distinctAssigned(), "trial " + trial + " " + cands);
            assertEquals(best[1], opt.totalScore(), 1e-9, "trial " + trial);
            assertValid(cands, opt);
            for (AssignmentStrategy greedy : List.of(AssignmentStrategy.PAPER, AssignmentStrategy.CONFIDENT_FIRST)) {
                IdentifierAssignment g = assign(greedy, cands);
                assertValid(cands, g);
                assertTrue(g.distinctAssigned() <= opt.distinctAssigned());
                if (g.distinctAssigned() == opt.distinctAssigned()) {
                    assertTrue(g.totalScore() <= opt.totalScore() + 1e-9);
                }
            }
        }
    }

    @Test
    void optimalScalesToTenThousandItemsWithTwentyCandidates() {
        // clustered contention: 10k items, 20 candidates each, from pools of 60 identifiers per
        // cluster of 40 items (like similar items decoded to overlapping beams)
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 10_000;
        List<List<Candidate>> cands = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int cluster = i / 40;
            List<Integer> codes = new ArrayList<>();
            while (codes.size() < 20) {
                int code = rnd.nextInt(60);
                if (!codes.contains(code)) {
                    codes.add(code);
                }
            }
            double[] scores = rnd.doubles(20, -10, 0).toArray();
            Arrays.sort(scores);
            List<Candidate> list = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                list.add(c(List.of("<a_" + cluster + ">", "<b_" + codes.get(k) + ">"), scores[19 - k]));
            }
            cands.add(list);
        }
        long t0 = System.nanoTime();
        IdentifierAssignment opt = assign(AssignmentStrategy.OPTIMAL, cands);
        double seconds = (System.nanoTime() - t0) / 1e9;
        IdentifierAssignment paper = assign(AssignmentStrategy.PAPER, cands);
        assertValid(cands, opt);
        assertEquals(n, opt.distinctAssigned()); // 40 items, 60 identifiers per cluster: all fit
        assertTrue(opt.totalScore() >= paper.totalScore());
        assertTrue(seconds < 10, "optimal assignment took " + seconds + " s");
    }

    @Test
    void reservedIdentifiersAreNeverGiven() {
        List<List<Candidate>> cands = List.of(
                List.of(c(X, -0.1), c(Y, -0.2)),
                List.of(c(X, -0.3), c(Z, -0.4)));
        for (AssignmentStrategy s : AssignmentStrategy.values()) {
            IdentifierAssignment a = new DiverseIdentifierAssigner(s).assign(cands, java.util.Set.of(X));
            assertEquals(List.of(Y, Z), a.identifiers(), s.id());
            assertArrayEquals(new int[] {1, 1}, a.chosenRank(), s.id());
        }
        // a list made only of reserved identifiers falls back to its top
        IdentifierAssignment a = new DiverseIdentifierAssigner(AssignmentStrategy.OPTIMAL)
                .assign(List.of(List.of(c(X, -0.1))), java.util.Set.of(X));
        assertEquals(1, a.fallbacks());
        assertEquals(List.of(X), a.identifiers());
    }

    @Test
    void optimalWithReservedMatchesBruteForce() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int trial = 0; trial < 150; trial++) {
            List<List<Candidate>> cands = randomCase(rnd, 1 + rnd.nextInt(5), 2 + rnd.nextInt(5), 4);
            Set<List<String>> reserved = new HashSet<>();
            reserved.add(List.of("<a_" + rnd.nextInt(3) + ">"));
            IdentifierAssignment opt = new DiverseIdentifierAssigner(AssignmentStrategy.OPTIMAL).assign(cands, reserved);
            List<List<Candidate>> allowed = new ArrayList<>();
            for (List<Candidate> l : cands) {
                allowed.add(l.stream().filter(x -> !reserved.contains(x.tokens())).toList());
            }
            double[] best = bruteForce(allowed);
            assertEquals((int) best[0], opt.distinctAssigned(), "trial " + trial);
            assertEquals(best[1], opt.totalScore(), 1e-9, "trial " + trial);
            for (int i = 0; i < cands.size(); i++) {
                if (opt.chosenRank()[i] >= 0) {
                    assertTrue(!reserved.contains(opt.identifiers().get(i)));
                }
            }
        }
    }

    @Test
    void rejectsUnrankedOrDuplicateLists() {
        DiverseIdentifierAssigner a = new DiverseIdentifierAssigner(AssignmentStrategy.PAPER);
        assertThrows(IllegalArgumentException.class, () -> a.assign(List.of(List.of(c(X, -1), c(Y, -0.5)))));
        assertThrows(IllegalArgumentException.class, () -> a.assign(List.of(List.of(c(X, -1), c(X, -2)))));
        assertThrows(IllegalArgumentException.class, () -> a.assign(List.of(List.of())));
    }

    @Test
    void parsesStrategyNames() {
        assertEquals(AssignmentStrategy.CONFIDENT_FIRST, AssignmentStrategy.parse("confident-first"));
        assertThrows(IllegalArgumentException.class, () -> AssignmentStrategy.parse("best"));
    }

    static List<List<Candidate>> randomCase(SplittableRandom rnd, int n, int pool, int maxLen) {
        List<List<Candidate>> cands = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 1 + rnd.nextInt(Math.min(maxLen, pool));
            List<Integer> codes = new ArrayList<>();
            while (codes.size() < len) {
                int code = rnd.nextInt(pool);
                if (!codes.contains(code)) {
                    codes.add(code);
                }
            }
            double[] scores = rnd.doubles(len, -5, 0).toArray();
            Arrays.sort(scores);
            List<Candidate> list = new ArrayList<>();
            for (int k = 0; k < len; k++) {
                list.add(c(List.of("<a_" + codes.get(k) + ">"), scores[len - 1 - k]));
            }
            cands.add(list);
        }
        return cands;
    }

    /** Every item chooses a candidate or falls back; best (distinct count, total score). */
    static double[] bruteForce(List<List<Candidate>> cands) {
        double[] best = {-1, Double.NEGATIVE_INFINITY};
        search(cands, 0, new HashSet<>(), 0, 0, best);
        return best;
    }

    private static void search(List<List<Candidate>> cands, int i, Set<List<String>> used, int count, double total,
                               double[] best) {
        if (i == cands.size()) {
            if (count > best[0] || (count == best[0] && total > best[1])) {
                best[0] = count;
                best[1] = total;
            }
            return;
        }
        search(cands, i + 1, used, count, total, best); // fallback
        for (Candidate c : cands.get(i)) {
            if (used.add(c.tokens())) {
                search(cands, i + 1, used, count + 1, total + c.score(), best);
                used.remove(c.tokens());
            }
        }
    }

    /** Non-fallback items hold distinct identifiers from their own lists; fallbacks hold their top. */
    static void assertValid(List<List<Candidate>> cands, IdentifierAssignment a) {
        Set<List<String>> held = new HashSet<>();
        double total = 0;
        int fallbacks = 0;
        for (int i = 0; i < cands.size(); i++) {
            int r = a.chosenRank()[i];
            if (r < 0) {
                fallbacks++;
                assertEquals(cands.get(i).get(0).tokens(), a.identifiers().get(i));
            } else {
                assertEquals(cands.get(i).get(r).tokens(), a.identifiers().get(i));
                assertTrue(held.add(a.identifiers().get(i)), "identifier given twice: " + a.identifiers().get(i));
                total += cands.get(i).get(r).score();
            }
        }
        assertEquals(fallbacks, a.fallbacks());
        assertEquals(total, a.totalScore(), 1e-6);
        // a fallback's top identifier is held by some non-fallback item (else it should have taken it)
        for (int i = 0; i < cands.size(); i++) {
            if (a.chosenRank()[i] < 0) {
                assertTrue(held.contains(cands.get(i).get(0).tokens()));
            }
        }
    }
}
