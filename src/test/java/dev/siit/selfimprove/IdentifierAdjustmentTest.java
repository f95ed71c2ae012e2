package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdentifierAdjustmentTest {

    private static final List<List<String>> BEFORE = List.of(
            List.of("<a_0>", "<b_0>"),
            List.of("<a_0>", "<b_1>"),
            List.of("<a_1>", "<b_0>"));
    private static final List<List<String>> AFTER = List.of(
            List.of("<a_0>", "<b_0>", "<c_1>"),   // only a collision suffix was added
            List.of("<a_0>", "<b_2>"),            // regenerated code changed
            List.of("<a_1>", "<b_0>"));

    @Test
    void collisionSuffixesDoNotCountAsAdjustments() {
        IdentifierAdjustment adj = IdentifierAdjustment.between(BEFORE, AFTER, 2);
        assertEquals(1, adj.changed());
        assertEquals(1.0 / 3, adj.ratio(), 1e-12);
        assertEquals(1, adj.changes().get(0).item());
        assertEquals(List.of("<a_0>", "<b_1>"), adj.changes().get(0).before());
        assertEquals(List.of("<a_0>", "<b_2>"), adj.changes().get(0).after());
    }

    @Test
    void countingTheSuffixLevelCountsItToo() {
        assertEquals(2.0 / 3, IdentifierAdjustment.between(BEFORE, AFTER, 3).ratio(), 1e-12);
    }

    @Test
    void identicalTokenizationsHaveRatioZero() {
        assertEquals(0.0, IdentifierAdjustment.between(BEFORE, BEFORE, 2).ratio());
    }
}
