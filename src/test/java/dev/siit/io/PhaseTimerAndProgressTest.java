package dev.siit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PhaseTimerAndProgressTest {
    @Test
    void timerMeasuresAndFreezesOnClose() throws InterruptedException {
        PhaseTimer t = PhaseTimer.start("sleep");
        Thread.sleep(30);
        t.close();
        double s = t.seconds();
        assertTrue(s >= 0.029 && s < 5, "took " + s);
        Thread.sleep(5);
        assertEquals(s, t.seconds(), 0.0);
        assertEquals("sleep", t.phase());
    }

    @Test
    void timeReturnsTheBodysValueAndPassesExceptionsThrough() {
        assertEquals(42, PhaseTimer.time("answer", () -> 42));
        InputException e = org.junit.jupiter.api.Assertions.assertThrows(InputException.class,
                () -> PhaseTimer.time("fails", () -> {
                    throw new InputException("bad");
                }));
        assertEquals("bad", e.getMessage());
    }

    @Test
    void quietProgressPrintsNothingAndLoudProgressPrintsTheTask() {
        PrintStream saved = System.err;
        boolean savedQuiet = Progress.isQuiet();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Progress.setQuiet(true);
            try (Progress p = Progress.start("quiet task", 10, "item")) {
                p.stepBy(10);
            }
            assertEquals("", buf.toString(StandardCharsets.UTF_8));
            Progress.setQuiet(false);
            try (Progress p = Progress.start("loud task", 10, "item")) {
                p.stepBy(10);
            }
        } finally {
            System.setErr(saved);
            Progress.setQuiet(savedQuiet);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        // not a terminal under surefire: one plain line at the end
        assertTrue(out.contains("loud task") && out.contains("10/10"), out);
        assertEquals(1, out.strip().lines().count(), out);
    }
}
