package dev.siit.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes reads of freed Java direct memory visible: run the garbage collector, let the Cleaner
 * free unreachable direct buffers, then take freshly freed blocks back and fill them with NaN.
 * A tensor that still reads such memory (see {@link TrainableScalars}) then reads NaN instead
 * of, by luck, its old value. For tests of code that must not depend on when the collector runs.
 */
public final class FreedMemoryPoison {
    private FreedMemoryPoison() {
    }

    /**
     * Poisons once, e.g. between forward and backward.
     *
     * @return the NaN-filled blocks: keep them reachable until the code under test has read
     *         its memory, or the next collection frees them for others to reuse
     */
    public static List<ByteBuffer> once() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(20); // the Cleaner thread frees unreachable direct buffers
        }
        List<ByteBuffer> filler = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // 4 bytes: a DJL scalar's buffer; then a few larger sizes
            filler.add(nanBlock(i < 18_000 ? 4 : 4 * (1 + i % 64)));
        }
        return filler;
    }

    /** Poisons every few milliseconds in a background thread until closed. */
    public static AutoCloseable continuously() {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                for (int k = 0; k < 256; k++) {
                    nanBlock(4);
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "freed-memory-poison");
        thread.setDaemon(true);
        thread.start();
        return () -> {
            thread.interrupt();
            thread.join();
        };
    }

    private static ByteBuffer nanBlock(int bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 4) {
            b.putFloat(Float.NaN);
        }
        return b;
    }
}
