package dev.siit.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Independent decoding batches run on S threads ("streams") at once, each thread with 1/S of
 * PyTorch's intra-op threads, instead of one batch at a time over all of them. Most ops of a
 * beam-search step ((1,280 x 128) norms, adds, cache gathers, top-k) are too small to gain from a
 * second intra-op thread but still pay its synchronisation; two single-threaded streams keep both
 * cores busy with useful work: bench (c) 77 -> 93 users/s on this 2-core machine, less CPU time
 * too (docs/benchmarks.md, eighth session).
 *
 * <p>Results do not depend on S beyond the intra-op thread count: a batch is decoded entirely on
 * one stream, and every stream has the same thread count, so S streams of one thread give bit for
 * bit what one single-threaded stream gives, whichever stream takes which batch. With S = 1 the
 * batches run on the calling thread with its thread count, as before this class existed.
 *
 * <p>{@link #shared()} is the process's streams, S from the system property
 * {@code siit.decode.streams} ({@code bin/siit} sets it to the number of cores; unset: 1). The
 * worker threads are daemons that live as long as the process; their grad mode is off.
 */
public final class DecodingStreams implements AutoCloseable {
    static final String PROPERTY = "siit.decode.streams";
    private static DecodingStreams shared; // guarded by the class lock

    private final int streams;
    private ExecutorService pool; // created on first use with S > 1; guarded by this

    /** One batch of work on a stream: {@code index} of {@code count}, arrays in {@code manager}. */
    @FunctionalInterface
    public interface Batch<R> {
        R run(NDManager manager, int index);
    }

    public DecodingStreams(int streams) {
        if (streams < 1) {
            throw new IllegalArgumentException("decoding streams must be >= 1, got " + streams);
        }
        this.streams = streams;
    }

    /** The process's streams ({@code siit.decode.streams}, default 1). */
    public static synchronized DecodingStreams shared() {
        if (shared == null) {
            shared = new DecodingStreams(fromProperty(System.getProperty(PROPERTY)));
        }
        return shared;
    }

    static int fromProperty(String value) {
        if (value == null || value.isBlank()) {
            return 1;
        }
        try {
            int s = Integer.parseInt(value.strip());
            if (s >= 1) {
                return s;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(PROPERTY + " must be a whole number >= 1, got '" + value + "'");
    }

    public int streams() {
        return streams;
    }

    /**
     * Runs batches 0 .. count-1 and returns their results in batch order. {@code done} is called
     * on the calling thread, in batch order, as results arrive (for progress bars). Each batch gets
     * its own sub-manager of {@code manager}, closed after it; results must not hold its arrays.
     */
    public <R> List<R> map(NDManager manager, int count, Batch<R> batch, IntConsumer done) {
        List<R> out = new ArrayList<>(count);
        if (streams == 1 || count <= 1) {
            for (int i = 0; i < count; i++) {
                try (NDManager m = manager.newSubManager()) {
                    out.add(batch.run(m, i));
                }
                done.accept(i);
            }
            return out;
        }
        List<Future<R>> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            NDManager m = manager.newSubManager(); // created here: the parent is not shared with the workers
            parts.add(pool().submit(() -> {
                try (m) {
                    return batch.run(m, index);
                }
            }));
        }
        try {
            for (int i = 0; i < count; i++) {
                out.add(parts.get(i).get());
                done.accept(i);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("a decoding stream failed", cause);
        } finally {
            for (Future<R> f : parts) {
                f.cancel(false); // after a failure, batches not started yet do not run
            }
        }
    }

    private synchronized ExecutorService pool() {
        if (pool == null) {
            Engine.getEngine("PyTorch"); // JniUtils needs libtorch loaded
            int perStream = Math.max(1, JniUtils.getNumThreads() / streams);
            pool = Executors.newFixedThreadPool(streams, r -> {
                Thread t = new Thread(() -> {
                    JniUtils.setNumThreads(perStream); // PyTorch keeps both settings per thread
                    JniUtils.setGradMode(false);
                    r.run();
                }, "siit-decode");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }
}
