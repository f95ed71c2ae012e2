package dev.siit.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.io.InputException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CollisionResolverTest {

    static ItemIdentifiers ids(String... joined) {
        List<List<String>> t = new ArrayList<>();
        for (String j : joined) {
            t.add(List.of(j.split("(?<=>)")));
        }
        return new ItemIdentifiers(t);
    }

    @Test
    void suffixCountsWithinEachGroupWithTheNextLetter() {
        ItemIdentifiers raw = ids("<a_1><b_2>", "<a_1><b_3>", "<a_1><b_2>", "<a_0><b_0>", "<a_1><b_2>", "<a_0><b_0>");
        ItemIdentifiers out = CollisionResolver.suffix(raw);
        assertEquals(List.of("<a_1>", "<b_2>", "<c_0>"), out.of(0));
        assertEquals(List.of("<a_1>", "<b_3>"), out.of(1)); // unique: unchanged
        assertEquals(List.of("<a_1>", "<b_2>", "<c_1>"), out.of(2));
        assertEquals(List.of("<a_0>", "<b_0>", "<c_0>"), out.of(3));
        assertEquals(List.of("<a_1>", "<b_2>", "<c_2>"), out.of(4));
        assertEquals(List.of("<a_0>", "<b_0>", "<c_1>"), out.of(5));
        assertTrue(out.unique());
        assertEquals(0, IdentifierStats.of(out).collidingItems());
        assertEquals(5, IdentifierStats.of(raw).collidingItems());
        assertEquals(3, IdentifierStats.of(raw).largestGroup());
    }

    @Test
    void noneKeepsCollisions() {
        ItemIdentifiers raw = ids("<a_1>", "<a_1>");
        assertSame(raw, CollisionResolver.resolve(new IndexedItems(raw), CollisionResolution.NONE, "x"));
    }

    @Test
    void sinkhornNeedsAQuantiser() {
        ItemIdentifiers raw = ids("<a_1>", "<a_1>");
        InputException e = assertThrows(InputException.class,
                () -> CollisionResolver.resolve(new IndexedItems(raw), CollisionResolution.SINKHORN, "sid"));
        assertTrue(e.getMessage().contains("sid"));
        assertThrows(InputException.class, () -> CollisionResolution.parse("random"));
    }

    /** Distances from a fixed table: item i to code c. */
    static LastLevelDistances table(int level, double[][] d) {
        return new LastLevelDistances() {
            @Override
            public int level() {
                return level;
            }

            @Override
            public double[][] distances(int[] items) {
                double[][] out = new double[items.length][];
                for (int k = 0; k < items.length; k++) {
                    out[k] = d[items[k]];
                }
                return out;
            }
        };
    }

    @Test
    void sinkhornSpreadsACollidingGroupOverDistinctCodes() {
        // items 0 and 1 both nearest to code 0 of level b. Sinkhorn's plan gives every code the
        // same mass, so the group is spread over distinct codes (with K > group size the plan
        // weighs distances only weakly: LETTER's behaviour, not a nearest-free-code rule)
        ItemIdentifiers raw = ids("<a_5><b_0>", "<a_5><b_0>", "<a_6><b_0>");
        double[][] d = {{0.1, 5, 4, 9}, {0.2, 6, 0.9, 9}, {0, 1, 1, 1}};
        ItemIdentifiers out = CollisionResolver.sinkhorn(raw, table(1, d), SinkhornAssignment.DEFAULT_EPSILON, 20);
        assertEquals("<a_5>", out.of(0).get(0));
        assertEquals("<a_5>", out.of(1).get(0));
        assertNotEquals(out.of(0), out.of(1));
        assertEquals(List.of("<a_6>", "<b_0>"), out.of(2)); // not colliding: untouched
        assertTrue(out.unique());
    }

    @Test
    void sinkhornThenSuffixLeavesNoSharedIdentifier() {
        // 60 items over 3 first-level codes and a last level of only 8 codes: groups of up to 20
        // cannot all be separated by 8 codes, so the suffix must finish the job
        SplittableRandom r = new SplittableRandom(4);
        List<List<String>> t = new ArrayList<>();
        double[][] d = new double[60][8];
        for (int i = 0; i < 60; i++) {
            t.add(List.of(IndexFile.token(0, i % 3), IndexFile.token(1, r.nextInt(2))));
            for (int c = 0; c < 8; c++) {
                d[i][c] = r.nextDouble();
            }
        }
        ItemIdentifiers raw = new ItemIdentifiers(t);
        assertTrue(IdentifierStats.of(raw).collidingItems() > 50);
        ItemIdentifiers sk = CollisionResolver.sinkhorn(raw, table(1, d), SinkhornAssignment.DEFAULT_EPSILON, 20);
        assertTrue(IdentifierStats.of(sk).collidingItems() < IdentifierStats.of(raw).collidingItems(),
                "Sinkhorn alone must already reduce collisions");
        ItemIdentifiers out = CollisionResolver.resolve(new IndexedItems(raw, table(1, d)), CollisionResolution.SINKHORN, "letter");
        assertTrue(out.unique());
        assertEquals(0, IdentifierStats.of(out).collidingItems());
        ItemIdentifiers suffixOnly = CollisionResolver.resolve(new IndexedItems(raw), CollisionResolution.SUFFIX, "letter");
        assertEquals(0, IdentifierStats.of(suffixOnly).collidingItems());
        assertNotEquals(out, suffixOnly);
    }

    @Test
    void sinkhornAssignmentIsBalanced() {
        // 4 items, 4 codes, every item nearest to code 0: a balanced plan uses every code once
        double[][] d = {{0, 1, 2, 3}, {0, 2, 1, 3}, {0, 3, 2, 1}, {0, 1.1, 2, 3}};
        int[] a = SinkhornAssignment.assign(d, 0.05, 200);
        assertEquals(4, java.util.Arrays.stream(a).distinct().count(), java.util.Arrays.toString(a));
    }
}
