package dev.siit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Inverted dropout whose keep-masks are drawn in Java from a seeded {@link SplittableRandom}.
 *
 * <p>Why not the engine's dropout: libtorch draws dropout masks with {@code bernoulli_}, which
 * takes MKL's vectorised generator only on Intel CPUs and otherwise runs one element at a time
 * on one thread; on this project's AMD machines it was 20-28% of a T5 training step
 * (docs/benchmarks.md). Here the mask is filled by 64Ki-element chunks in parallel, each chunk
 * from its own generator split off in a fixed order, so the masks depend only on the seed and
 * the sequence of calls, never on thread timing or on the device. Every 16 random bits decide
 * one element: it is kept when they are at least round(rate x 65536), so the drop probability
 * is rate to within 2^-17.
 *
 * <p>{@code apply(x)} = x * mask * 1 / (1 - rate), mask (uint8 -> float) of the same shape.
 */
public final class DropoutNoise {
    private static final int CHUNK = 1 << 16;

    private SplittableRandom rng;
    /**
     * Reused staging memory for the masks. DJL wraps a direct buffer passed to create() without
     * copying and frees it only when the garbage collector gets to it, so a fresh buffer per call
     * kept ~100 MB per training step out of the allocator's reach (more page faults, slower).
     */
    private ByteBuffer scratch = ByteBuffer.allocateDirect(0);

    public DropoutNoise(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    /** Restarts the sequence of masks (the trainer does it at every epoch, for resumable runs). */
    public synchronized void reseed(long seed) {
        rng = new SplittableRandom(seed);
    }

    /** Dropout of {@code x} at {@code rate} in [0, 1); {@code x} itself when rate is 0. */
    public NDArray apply(NDArray x, float rate) {
        if (rate <= 0) {
            return x;
        }
        if (rate >= 1) {
            throw new IllegalArgumentException("dropout rate must be below 1, got " + rate);
        }
        NDManager m = x.getManager();
        NDArray keep;
        try (NDArray bytes = m.create(x.getShape(), DataType.UINT8)) {
            synchronized (this) {
                fillKeepMask(x.size(), rate, nextChunkSeeds(x.size()));
                bytes.set(scratch); // copied into the engine's memory
            }
            keep = bytes.toType(x.getDataType(), false);
        }
        return x.mul(keep.mul(m.full(new Shape(1), 1f / (1f - rate), x.getDataType())));
    }

    private void fillKeepMask(long n, float rate, SplittableRandom[] chunkRngs) {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dropout over more than 2^31 elements: " + n);
        }
        if (scratch.capacity() < n) {
            scratch = ByteBuffer.allocateDirect((int) Math.min(Integer.MAX_VALUE, Math.max(n, scratch.capacity() * 3L / 2)));
        }
        scratch.clear().limit((int) n);
        keepMask(scratch, rate, chunkRngs);
    }

    /** One generator per chunk, split off sequentially so that the masks are reproducible. */
    private synchronized SplittableRandom[] nextChunkSeeds(long n) {
        int chunks = (int) ((n + CHUNK - 1) / CHUNK);
        SplittableRandom[] r = new SplittableRandom[chunks];
        for (int c = 0; c < chunks; c++) {
            r[c] = rng.split();
        }
        return r;
    }

    /** 1 when the low 16 bits are at least the threshold, else 0 (branch-free). */
    private static byte keep(long bits, int threshold) {
        return (byte) ((((int) bits & 0xFFFF) - threshold) >>> 31 ^ 1);
    }

    /** Fills out[0, limit) with 1 = keep, 0 = drop; chunk c drawn from {@code chunkRngs[c]}. */
    static void keepMask(ByteBuffer out, float rate, SplittableRandom[] chunkRngs) {
        int n = out.limit();
        int threshold = Math.round(rate * 65536);
        IntStream.range(0, chunkRngs.length).parallel().forEach(c -> {
            int lo = c * CHUNK;
            int len = (int) Math.min(CHUNK, n - lo);
            byte[] chunk = new byte[len];
            SplittableRandom r = chunkRngs[c];
            int i = 0;
            for (; i + 4 <= len; i += 4) { // four 16-bit draws per 64-bit value
                long bits = r.nextLong();
                chunk[i] = keep(bits, threshold);
                chunk[i + 1] = keep(bits >>> 16, threshold);
                chunk[i + 2] = keep(bits >>> 32, threshold);
                chunk[i + 3] = keep(bits >>> 48, threshold);
            }
            for (long bits = r.nextLong(); i < len; i++, bits >>>= 16) {
                chunk[i] = keep(bits, threshold);
            }
            out.put(lo, chunk);
        });
    }
}
