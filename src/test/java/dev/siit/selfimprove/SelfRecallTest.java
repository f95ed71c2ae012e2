package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelfRecallTest {

    private static Candidate c(String a, String b, double score) {
        return new Candidate(List.of(a, b), score);
    }

    @Test
    void shareOfItemsWhoseTopCandidateIsTheirCurrentIdentifier() {
        List<List<String>> current = List.of(List.of("<a_0>", "<b_0>"), List.of("<a_0>", "<b_1>"),
                List.of("<a_1>", "<b_0>"), List.of("<a_1>", "<b_1>"));
        List<List<Candidate>> beams = List.of(
                List.of(c("<a_0>", "<b_0>", -0.1), c("<a_0>", "<b_1>", -2)), // hit
                List.of(c("<a_0>", "<b_0>", -0.2), c("<a_0>", "<b_1>", -0.3)), // own id only second: miss
                List.of(c("<a_1>", "<b_0>", -0.5)), // hit
                List.of()); // no candidate: miss
        assertEquals(0.5, SelfRecall.of(beams, current), 1e-12);
        assertEquals(0.0, SelfRecall.of(List.of(), List.of()), 0.0);
        assertThrows(IllegalArgumentException.class, () -> SelfRecall.of(beams, current.subList(0, 3)));
    }
}
