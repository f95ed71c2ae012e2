package dev.siit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    @Test
    void linearWarmupThenLinearDecay() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 4, 10, "linear", 0.0);
        assertEquals(0.25, s.at(0), 1e-12);
        assertEquals(0.75, s.at(2), 1e-12);
        assertEquals(1.0, s.at(3), 1e-12);
        assertEquals(1 - 1 / 6.0, s.at(4), 1e-12); // one of the 6 decay steps done
        assertEquals(0.5, s.at(6), 1e-12);
        assertEquals(0.0, s.at(9), 1e-12);
        assertEquals(0.0, s.at(50), 1e-12); // stays at the floor
    }

    @Test
    void cosineDecayToAFloor() {
        LearningRateSchedule s = new LearningRateSchedule(2.0, 2, 10, "cosine", 0.1);
        assertEquals(1.0, s.at(0), 1e-12);
        assertEquals(2.0, s.at(1), 1e-12);
        // halfway through the 8 decay steps: cos term 0.5 -> 2 * (0.1 + 0.9 * 0.5)
        assertEquals(2.0 * (0.1 + 0.9 * 0.5), s.at(5), 1e-12);
        // a quarter: 0.5 * (1 + cos(pi / 4))
        assertEquals(2.0 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4))), s.at(3), 1e-12);
        assertEquals(0.2, s.at(9), 1e-12);
    }

    @Test
    void constantAndNoWarmup() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 0, 100, "constant", 0.0);
        assertEquals(1e-3, s.at(0), 1e-15);
        assertEquals(1e-3, s.at(99), 1e-15);
    }
}
