package dev.siit.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A test recommender that records every batch and can hold the batcher's worker inside
 * {@link #recommendBatch} until the test opens the gate, so later requests pile up in the queue.
 * It returns items k-1, k-2, ..., 0 with score = item, or throws when told to.
 */
final class GatedRecommender implements Recommender {
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final List<Integer> batchKs = new CopyOnWriteArrayList<>();
    final Semaphore entered = new Semaphore(0);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    volatile RuntimeException failure;
    private final int numItems;
    private final boolean concurrent;

    GatedRecommender(int numItems) {
        this(numItems, false);
    }

    GatedRecommender(int numItems, boolean concurrent) {
        this.numItems = numItems;
        this.concurrent = concurrent;
    }

    /** The next calls block until {@link #open()}. */
    void close() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    /** Waits until the worker has entered recommendBatch once more. */
    void awaitEntered() throws InterruptedException {
        if (!entered.tryAcquire(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the worker never called recommendBatch");
        }
    }

    @Override
    public List<List<Recommendation>> recommendBatch(List<int[]> histories, int k) {
        batchSizes.add(histories.size());
        batchKs.add(k);
        entered.release();
        try {
            if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        List<List<Recommendation>> out = new ArrayList<>();
        for (int i = 0; i < histories.size(); i++) {
            List<Recommendation> r = new ArrayList<>();
            for (int j = Math.min(k, numItems) - 1; j >= 0; j--) {
                r.add(new Recommendation(j, j));
            }
            out.add(r);
        }
        return out;
    }

    @Override
    public boolean concurrent() {
        return concurrent;
    }

    @Override
    public int maxHistory() {
        return 3;
    }

    @Override
    public int numItems() {
        return numItems;
    }

    @Override
    public Map<String, Object> info() {
        return Map.of("kind", "gated-test");
    }
}
