package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RegenerationGuardTest {

    @Test
    void rejectsACollapsedRegenerationAndAcceptsAHealthyOne() {
        RegenerationGuard guard = new RegenerationGuard(0.2);
        // the quickstart's iteration 2: 1,318 of 1,349 items collided (97.70%)
        RegenerationGuard.Decision collapsed = guard.judge(2, 1318 / 1349.0, 1318);
        assertFalse(collapsed.accepted());
        assertTrue(collapsed.reason().startsWith("iteration 2 rejected: 97.7% of regenerated identifiers collided"),
                collapsed.reason());
        assertTrue(collapsed.reason().contains("max 20.0%") && collapsed.reason().contains("T_2 = T_1"), collapsed.reason());

        // the paper's Table 3 beam search: 2.73% collisions
        RegenerationGuard.Decision healthy = guard.judge(1, 0.0273, 3);
        assertTrue(healthy.accepted());
        assertEquals("iteration 1 accepted: 2.7% of regenerated identifiers collided before collision avoidance "
                + "(3 fallbacks; max 20.0%)", healthy.reason());

        assertTrue(guard.judge(1, 0.2, 0).accepted(), "exactly the maximum is accepted: only exceeding it rejects");
        assertFalse(guard.judge(1, 0.2000001, 0).accepted());
    }

    @Test
    void maxRateOneIsThePapersLoopAndZeroRejectsAnyCollision() {
        assertTrue(new RegenerationGuard(1.0).judge(1, 1.0, 500).accepted());
        assertTrue(new RegenerationGuard(0.0).judge(1, 0.0, 0).accepted());
        assertFalse(new RegenerationGuard(0.0).judge(1, 1e-4, 0).accepted());
    }

    @Test
    void aSelfRecallMinimumRejectsTitleDependentButWrongBeams() {
        RegenerationGuard guard = new RegenerationGuard(0.2, 0.3);
        // few collisions, but only 100 of 1,348 items (7.4%) get their own identifier back: rejected
        RegenerationGuard.Decision wrong = guard.judge(1, 0.05, 40, 100 / 1348.0);
        assertFalse(wrong.accepted());
        assertEquals("iteration 1 rejected: self-recall of the aligned model 7.4% (min 30.0%); T_1 = T_0, "
                + "recommendation training continues with the previous identifiers", wrong.reason());
        // both rules fail: both are named
        RegenerationGuard.Decision both = guard.judge(2, 0.9, 1200, 0.001);
        assertFalse(both.accepted());
        assertTrue(both.reason().contains("90.0% of regenerated identifiers collided") && both.reason()
                .contains(" and self-recall of the aligned model 0.1% (min 30.0%)"), both.reason());
        // 1,000 of 1,348 (74.2%) and 3% collisions: accepted, and the sentence gives both measurements
        RegenerationGuard.Decision good = guard.judge(1, 0.03, 20, 1000 / 1348.0);
        assertTrue(good.accepted());
        assertEquals("iteration 1 accepted: 3.0% of regenerated identifiers collided before collision avoidance "
                + "(20 fallbacks; max 20.0%); self-recall of the aligned model 74.2% (min 30.0%)", good.reason());
        assertTrue(guard.judge(1, 0.0, 0, 0.3).accepted(), "exactly the minimum is accepted");
        assertFalse(guard.judge(1, 0.0, 0, 0.2999).accepted());
        // without a minimum, self-recall does not matter (the paper's loop): 0 is accepted
        assertTrue(new RegenerationGuard(0.2, 0).judge(1, 0.1, 0, 0.0).accepted());
        assertTrue(new RegenerationGuard(0.2).judge(1, 0.1, 0, Double.NaN).accepted());
        // a guard with a minimum needs the measurement
        assertThrows(IllegalStateException.class, () -> guard.judge(1, 0.0, 0));
        assertThrows(IllegalArgumentException.class, () -> guard.judge(1, 0.0, 0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RegenerationGuard(0.2, 1.1));
        assertThrows(IllegalArgumentException.class, () -> new RegenerationGuard(0.2, -0.1));
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RegenerationGuard(1.5));
        assertThrows(IllegalArgumentException.class, () -> new RegenerationGuard(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RegenerationGuard(0.2).judge(1, -0.1, 0));
    }
}
