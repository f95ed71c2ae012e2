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
    void outOfRangeValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RegenerationGuard(1.5));
        assertThrows(IllegalArgumentException.class, () -> new RegenerationGuard(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RegenerationGuard(0.2).judge(1, -0.1, 0));
    }
}
