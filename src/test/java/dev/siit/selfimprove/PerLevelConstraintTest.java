package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PerLevelConstraintTest {

    private static final int EOS = 1;
    // model vocabulary: ids 0..9 are ordinary tokens, code tokens from 10 on
    private static final List<String> VOCAB = List.of("<a_0>", "<a_1>", "<a_2>", "<b_0>", "<b_1>", "<c_0>", "<c_1>", "<d_0>", "<d_1>");
    private static final Map<String, Integer> IDS = new HashMap<>();

    static {
        for (int k = 0; k < VOCAB.size(); k++) {
            IDS.put(VOCAB.get(k), 10 + k);
        }
    }

    /** T0 with depths 2 and 3 (like CID); d is a collision level and must never be generated. */
    private static final List<List<String>> T0 = List.of(
            List.of("<a_0>", "<b_0>"),
            List.of("<a_1>", "<b_1>", "<c_0>"),
            List.of("<a_1>", "<b_1>", "<c_1>"));

    private static PerLevelConstraint constraint() {
        return PerLevelConstraint.forReference(T0, VOCAB, IDS::get, EOS);
    }

    @Test
    void eachPositionAllowsOnlyItsLevelThenEos() {
        PerLevelConstraint c = constraint();
        assertEquals(3, c.levels());
        assertArrayEquals(new int[] {10, 11, 12}, c.allowedAfter(new int[] {}));
        assertArrayEquals(new int[] {13, 14}, c.allowedAfter(new int[] {12}));
        assertArrayEquals(new int[] {EOS, 15, 16}, c.allowedAfter(new int[] {12, 13})); // T0 has 2-level ids
        assertArrayEquals(new int[] {EOS}, c.allowedAfter(new int[] {12, 13, 16}));
        assertArrayEquals(new int[] {}, c.allowedAfter(new int[] {12, 13, 16, EOS}));
        assertArrayEquals(new int[] {}, c.allowedAfter(new int[] {13})); // b token at position 0: dead
        int s = c.advance(c.advance(c.start(), 12), 13);
        assertTrue(c.complete(c.advance(s, EOS)));
        assertEquals(-1, c.advance(s, 17)); // d (collision level) is never generated
        assertEquals(4, c.maxLength());
        assertArrayEquals(new int[] {EOS, 10, 11, 12, 13, 14, 15, 16}, c.vocabulary());
    }

    /** A greedy decoder over random logits, masked by the constraint, as beam search will use it. */
    @Test
    void decodingUnderTheConstraintNeverEmitsATokenOfAnotherLevel() {
        PerLevelConstraint c = constraint();
        Map<Integer, String> byId = new HashMap<>();
        IDS.forEach((k, v) -> byId.put(v, k));
        SplittableRandom rnd = new SplittableRandom(9);
        Set<List<String>> generated = new HashSet<>();
        for (int trial = 0; trial < 500; trial++) {
            List<Integer> prefix = new ArrayList<>();
            while (true) {
                int[] allowed = c.allowedAfter(prefix.stream().mapToInt(Integer::intValue).toArray());
                double[] logits = rnd.doubles(32, -3, 3).toArray(); // scores for all 32 vocabulary ids
                int best = allowed[0];
                for (int id : allowed) {
                    if (logits[id] > logits[best]) {
                        best = id;
                    }
                }
                if (best == EOS) {
                    break;
                }
                prefix.add(best);
            }
            List<String> id = new ArrayList<>();
            for (int l = 0; l < prefix.size(); l++) {
                String token = byId.get(prefix.get(l));
                assertEquals(l, CodeToken.levelOf(token), "token " + token + " at position " + l);
                id.add(token);
            }
            assertTrue(id.size() == 2 || id.size() == 3);
            generated.add(id);
        }
        // new combinations are reachable: e.g. <a_2> never starts an identifier of T0
        assertTrue(generated.stream().anyMatch(id -> id.get(0).equals("<a_2>")));
        assertTrue(generated.size() > T0.size());
    }

    @Test
    void rejectsALevelWithoutTokens() {
        List<List<String>> deep = List.of(List.of("<a_0>", "<b_0>", "<c_0>", "<d_0>", "<e_0>"));
        assertThrows(IllegalArgumentException.class, () -> PerLevelConstraint.forReference(deep, VOCAB, IDS::get, EOS));
    }
}
