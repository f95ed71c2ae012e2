package dev.siit.baseline;

import org.slf4j.Logger;

/** Logs the wall time of a phase (load, train, evaluate) when closed. */
public final class PhaseTimer implements AutoCloseable {
    private final Logger log;
    private final String phase;
    private final long start = System.nanoTime();

    public PhaseTimer(Logger log, String phase) {
        this.log = log;
        this.phase = phase;
    }

    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public void close() {
        log.info("{} took {}", phase, String.format(java.util.Locale.ROOT, "%.1f s", seconds()));
    }
}
