package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.ids.ItemIdentifiers;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollisionAvoidanceTest {

    private static final List<String> X = List.of("<a_0>", "<b_0>");
    private static final List<String> Y = List.of("<a_0>", "<b_1>");
    private static final List<String> Z = List.of("<a_1>", "<b_0>");

    @Test
    void collisionRateIsTheShareOfItemsWhoseIdentifierIsShared() {
        assertEquals(0.6, CollisionAvoidance.collisionRate(List.of(X, X, Y, X, Z)), 1e-12);
        assertEquals(0.0, CollisionAvoidance.collisionRate(List.of(X, Y, Z)), 1e-12);
        assertEquals(1.0, CollisionAvoidance.collisionRate(List.of(X, X, Y, Y)), 1e-12);
    }

    @Test
    void everyCollidingItemGetsATokenOfTheNextLevel() {
        ItemIdentifiers out = CollisionAvoidance.apply(List.of(X, X, Y, X, Z));
        assertEquals(List.of("<a_0>", "<b_0>", "<c_0>"), out.of(0));
        assertEquals(List.of("<a_0>", "<b_0>", "<c_1>"), out.of(1));
        assertEquals(Y, out.of(2));
        assertEquals(List.of("<a_0>", "<b_0>", "<c_2>"), out.of(3));
        assertEquals(Z, out.of(4));
        assertTrue(out.unique());
        assertEquals(0.0, CollisionAvoidance.collisionRate(out.tokens()));
    }

    @Test
    void theNewLevelFollowsTheLongestIdentifier() {
        List<String> deep = List.of("<a_0>", "<b_0>", "<c_0>");
        List<String> shallow = List.of("<a_1>", "<b_1>");
        ItemIdentifiers out = CollisionAvoidance.apply(List.of(deep, shallow, deep, shallow));
        assertEquals(3, CollisionAvoidance.collisionLevel(List.of(deep, shallow)));
        assertEquals(List.of("<a_0>", "<b_0>", "<c_0>", "<d_0>"), out.of(0));
        assertEquals(List.of("<a_1>", "<b_1>", "<d_0>"), out.of(1));
        assertEquals(List.of("<a_0>", "<b_0>", "<c_0>", "<d_1>"), out.of(2));
        assertEquals(List.of("<a_1>", "<b_1>", "<d_1>"), out.of(3));
        assertTrue(out.unique());
        // prefix-free: no identifier is a proper prefix of another
        for (List<String> a : out.tokens()) {
            for (List<String> b : out.tokens()) {
                assertTrue(a == b || a.size() >= b.size() || !b.subList(0, a.size()).equals(a));
            }
        }
    }

    @Test
    void uniqueIdentifiersAreLeftAlone() {
        ItemIdentifiers out = CollisionAvoidance.apply(List.of(X, Y, Z));
        assertEquals(List.of(X, Y, Z), out.tokens());
    }

    @Test
    void diverseAssignmentFollowedByCollisionAvoidanceLeavesEveryIdentifierUnique() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        for (int trial = 0; trial < 100; trial++) {
            List<List<Candidate>> cands = DiverseIdentifierAssignerTest.randomCase(rnd, 2 + rnd.nextInt(8), 1 + rnd.nextInt(4), 3);
            for (AssignmentStrategy s : AssignmentStrategy.values()) {
                IdentifierAssignment a = new DiverseIdentifierAssigner(s).assign(cands);
                ItemIdentifiers out = CollisionAvoidance.apply(a.identifiers());
                assertTrue(out.unique(), s + " " + a.identifiers());
                assertEquals(a.fallbacks() == 0, CollisionAvoidance.collisionRate(a.identifiers()) == 0.0);
            }
        }
    }

    @Test
    void rejectsTokensWithoutALevel() {
        assertThrows(IllegalArgumentException.class, () -> CollisionAvoidance.apply(List.of(List.of("1001"), List.of("1001"))));
    }
}
