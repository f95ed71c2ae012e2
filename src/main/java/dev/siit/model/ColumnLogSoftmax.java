package dev.siit.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.siit.run.NativeKernels;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * log_softmax over the whole vocabulary, read at U of its V columns: exact beam scoring's
 * normaliser. logits (N, V) -> (N, U) with out[r, j] = logits[r, columns[j]] - logsumexp(logits[r, :]).
 *
 * <p>With the JNI kernel ({@code src/main/native/column-log-softmax.c}, built into
 * {@code target/native/libsiit-kernels.so}) each row is read while it is in cache and only (N, U)
 * is written; libtorch's log_softmax writes all (N, V) values (170 MB per 1,280-beam step) and a
 * gather reads 1/32 of them back. Rows are split between the calling thread and helper threads
 * (as many in all as PyTorch has intra-op threads). Without the kernel, on another device than the
 * CPU, or when a row is not finite, the same value comes from libtorch's ops.
 *
 * <p>{@link NativeKernels} loads the library (where it is looked for is written there).
 */
public final class ColumnLogSoftmax {
    private static final int MIN_ROWS_PER_THREAD = 64;
    private static ExecutorService helpers; // guarded by the class lock
    private static int helperCount;

    private ColumnLogSoftmax() {
    }

    /** Whether the JNI kernel is loaded. */
    public static boolean nativeAvailable() {
        return NativeKernels.loaded();
    }

    /**
     * The kernel's ways through a row, in the order of column-log-softmax.c's PASS_ constants:
     * a compiler-vectorised loop around glibc's vector expf, and intrinsics around our own exp on
     * 8-float (AVX2 + FMA) or 16-float (AVX-512F) vectors.
     */
    public enum RowPass {
        GENERIC, AVX2, AVX512;

        /** "generic", "avx2", "avx512" */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The fastest row pass the kernel runs on this CPU, or null when it is not loaded. */
    public static RowPass nativeVariant() {
        return nativeAvailable() ? RowPass.values()[bestPass()] : null;
    }

    /** Why the kernel is not loaded, or null when it is. */
    public static String loadError() {
        return NativeKernels.loadError();
    }

    /**
     * @param logits (N, V) float32
     * @param columnIndex the columns as an int array on logits' device, for the libtorch path
     * @param columns the same columns, each in [0, V)
     * @return (N, U) float32, attached to logits' manager
     */
    public static NDArray apply(NDArray logits, NDArray columnIndex, int[] columns) {
        if (usesKernel(logits)) {
            NDArray out = viaKernel(logits, columns);
            if (out != null) {
                return out;
            }
        }
        return viaEngine(logits, columnIndex);
    }

    /** libtorch's log_softmax then a column gather: the reference for the kernel. */
    static NDArray viaEngine(NDArray logits, NDArray columnIndex) {
        try (NDArray logp = logits.logSoftmax(1)) { // (N, V)
            return logp.get(new NDIndex(":, {}", columnIndex)); // (N, U)
        }
    }

    static boolean usesKernel(NDArray logits) {
        return nativeAvailable() && logits.getDevice().equals(Device.cpu())
                && logits.getDataType() == DataType.FLOAT32 && logits.getShape().dimension() == 2;
    }

    /** Null when a row was not finite (the caller then uses the engine). */
    static NDArray viaKernel(NDArray logits, int[] columns) {
        return viaKernel(logits, columns, nativeVariant());
    }

    /** pass: one of the row passes this CPU runs (tests take each); a faster one is never taken. */
    static NDArray viaKernel(NDArray logits, int[] columns, RowPass pass) {
        Shape shape = logits.getShape();
        int n = Math.toIntExact(shape.get(0));
        int v = Math.toIntExact(shape.get(1));
        int u = columns.length;
        for (int c : columns) {
            if (c < 0 || c >= v) {
                throw new IllegalArgumentException("column " + c + " outside [0, " + v + ")");
            }
        }
        // views over the engine's memory (if logits is not contiguous, a contiguous copy that
        // lives until logits' manager closes); the kernel writes straight into the result,
        // whose memory the allocator recycles from earlier steps
        ByteBuffer data = logits.toByteBuffer(true);
        NDArray result = logits.getManager().create(new Shape(n, u), DataType.FLOAT32);
        ByteBuffer out = result.toByteBuffer(true);
        if (!data.isDirect() || !out.isDirect()) {
            result.close();
            return null;
        }
        int threads = threadsFor(n);
        int bad = threads == 1 ? rows(data, v, 0, n, columns, out, pass.ordinal())
                : inParallel(data, v, n, columns, out, threads, pass.ordinal());
        if (bad > 0) {
            result.close();
            return null;
        }
        return result;
    }

    private static int inParallel(ByteBuffer data, int v, int n, int[] columns, ByteBuffer out, int threads,
                                  int pass) {
        ExecutorService pool = helpers(threads - 1);
        @SuppressWarnings("unchecked")
        Future<Integer>[] parts = new Future[threads - 1];
        for (int t = 1; t < threads; t++) {
            int from = (int) ((long) n * t / threads);
            int to = (int) ((long) n * (t + 1) / threads);
            parts[t - 1] = pool.submit(() -> rows(data, v, from, to, columns, out, pass));
        }
        int bad = rows(data, v, 0, (int) ((long) n / threads), columns, out, pass);
        try {
            for (Future<Integer> part : parts) {
                bad += part.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while normalising logits", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("normalising logits failed", e.getCause());
        }
        return bad;
    }

    private static int threadsFor(int rows) {
        int engineThreads = Math.max(1, JniUtils.getNumThreads());
        return Math.max(1, Math.min(engineThreads, rows / MIN_ROWS_PER_THREAD));
    }

    private static synchronized ExecutorService helpers(int count) {
        if (helpers == null || helperCount < count) {
            ExecutorService old = helpers;
            helpers = Executors.newFixedThreadPool(count, r -> {
                Thread t = new Thread(r, "siit-log-softmax");
                t.setDaemon(true);
                return t;
            });
            helperCount = count;
            if (old != null) {
                old.shutdown();
            }
        }
        return helpers;
    }

    /** See column-log-softmax.c: rows [from, to) of a contiguous (N, V) buffer; returns non-finite rows. */
    private static native int rows(ByteBuffer logits, int v, int from, int to, int[] columns, ByteBuffer out,
                                   int pass);

    /** The ordinal of the fastest {@link RowPass} this CPU runs. */
    private static native int bestPass();
}
