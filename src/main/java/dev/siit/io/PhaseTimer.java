package dev.siit.io;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times one phase (load, train, decode, ...) and logs its wall-clock duration on close:
 *
 * <pre>{@code
 * try (PhaseTimer t = PhaseTimer.start("load ml-100k")) {
 *     data = DatasetLoader.load(...);
 * }   // logs "phase load ml-100k: 1.234 s"
 * }</pre>
 *
 * <p>The try-with-resources form also logs when the body throws; {@link #time} logs only a
 * phase that finished, which keeps stderr to the one error line when the user's input is bad.
 */
public final class PhaseTimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PhaseTimer.class);

    private final String phase;
    private final long startNanos;
    private long endNanos = -1;

    private PhaseTimer(String phase) {
        this.phase = phase;
        this.startNanos = System.nanoTime();
    }

    public static PhaseTimer start(String phase) {
        return new PhaseTimer(phase);
    }

    /** Runs {@code body} and logs its duration if it returns normally. */
    public static <T> T time(String phase, java.util.function.Supplier<T> body) {
        PhaseTimer t = new PhaseTimer(phase);
        T result = body.get();
        t.close();
        return result;
    }

    public String phase() {
        return phase;
    }

    /** Seconds since start, or the phase's duration once closed. */
    public double seconds() {
        long end = endNanos >= 0 ? endNanos : System.nanoTime();
        return (end - startNanos) / 1e9;
    }

    @Override
    public void close() {
        if (endNanos < 0) {
            endNanos = System.nanoTime();
            LOG.info("phase {}: {} s", phase, String.format(Locale.ROOT, "%.3f", seconds()));
        }
    }
}
