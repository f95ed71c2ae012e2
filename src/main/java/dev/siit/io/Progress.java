package dev.siit.io;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar with rate and ETA on stderr for any step that takes more than a few seconds.
 *
 * <pre>{@code
 * try (Progress p = Progress.start("train epoch 3", batches, "batch")) {
 *     for (...) { ...; p.step(); }
 * }
 * }</pre>
 *
 * <p>Quiet mode (the root command's {@code --quiet}, or {@code CI=true} in the environment)
 * shows nothing. On a terminal the bar redraws in place; when stderr goes to a file or a pipe it
 * prints a plain line at most every {@link #LOG_INTERVAL} (and once at the end), so logs stay
 * readable.
 */
public final class Progress implements AutoCloseable {
    /** How often a non-interactive run prints a progress line. */
    public static final Duration LOG_INTERVAL = Duration.ofSeconds(15);

    private static volatile boolean quiet = defaultQuiet();

    private final ProgressBar bar; // null when quiet
    private final ThrottledLines lines; // null unless printing plain lines

    private Progress(ProgressBar bar, ThrottledLines lines) {
        this.bar = bar;
        this.lines = lines;
    }

    /** Quiet by default when the environment says we run under CI. */
    public static boolean defaultQuiet() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static void setQuiet(boolean q) {
        quiet = q;
    }

    public static boolean isQuiet() {
        return quiet;
    }

    /** No bar: for short work repeated often (e.g. a check after every epoch), whose result is logged. */
    public static Progress none() {
        return new Progress(null, null);
    }

    /** A bar over {@code total} units named {@code unit} (e.g. "batch", "user"). */
    public static Progress start(String task, long total, String unit) {
        if (quiet) {
            return new Progress(null, null);
        }
        PrintStream err = System.err;
        ProgressBarBuilder b = ProgressBar.builder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500);
        ThrottledLines lines = null;
        if (System.console() == null) {
            lines = new ThrottledLines(err);
            b.setConsumer(lines);
        } else {
            b.setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err));
        }
        return new Progress(b.build(), lines);
    }

    public void step() {
        if (bar != null) {
            bar.step();
        }
    }

    public void stepBy(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /** A short status after the bar, e.g. {@code loss 2.31}. */
    public void message(String extra) {
        if (bar != null) {
            bar.setExtraMessage(" " + extra); // the renderer glues it to the speed otherwise
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
        if (lines != null) {
            // progressbar 0.10.2 swallows an exception of its final render when no time has
            // passed (speed/ETA over a zero duration) and then skips the consumer's close
            lines.close();
        }
    }

    /** Prints a rendered bar as its own line at most every LOG_INTERVAL, and the last one on close. */
    private static final class ThrottledLines extends DelegatingProgressBarConsumer {
        private long lastPrint = System.nanoTime();
        private String pending;
        private final PrintStream out;

        ThrottledLines(PrintStream out) {
            super(s -> { }, 100);
            this.out = out;
        }

        @Override
        public synchronized void accept(String rendered) {
            pending = rendered;
            long now = System.nanoTime();
            if (now - lastPrint >= LOG_INTERVAL.toNanos()) {
                flushPending();
                lastPrint = now;
            }
        }

        private synchronized void flushPending() {
            if (pending != null) {
                out.println(pending.replace('\r', ' ').strip());
                pending = null;
            }
        }

        @Override
        public void close() {
            flushPending();
        }
    }
}
