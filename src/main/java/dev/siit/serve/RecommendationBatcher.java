package dev.siit.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side micro-batching: requests that arrive together are answered by one
 * {@link Recommender#recommendBatch} call, so a beam search decodes them as one tensor batch and
 * throughput grows with load.
 *
 * <p>A worker thread takes the oldest request, adds everything already queued (up to
 * {@code maxBatch}), and, while the batch is not full and more callers are on their way, waits
 * for them until {@code maxWait} has passed since the oldest request arrived. "On their way" is
 * told by {@code callersInFlight} (the server counts requests between arrival and answer) minus
 * the requests the workers already hold: a lone client is answered at once instead of paying
 * {@code maxWait} on every request. Under load the oldest request has usually waited
 * {@code maxWait} already, so batching adds no delay there. The queue is bounded: when it is full
 * {@link #submit} refuses (the server answers 503) instead of letting latency and memory grow
 * without limit.
 *
 * <p>With {@code workers} > 1 that many threads do this at once, each answering its own batch:
 * on a machine whose cores one decoding call cannot keep busy (a beam-search step's ops are too
 * small to split), two single-threaded decodes beat one two-threaded decode
 * (docs/serving.md, tenth session). The recommender must then be {@link Recommender#concurrent()}.
 */
public final class RecommendationBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecommendationBatcher.class);

    /**
     * @param maxBatch      most requests in one recommendBatch call
     * @param maxWait       longest a request waits for companions
     * @param queueCapacity most requests waiting; more are refused
     * @param workers       threads answering batches at once
     */
    public record Settings(int maxBatch, Duration maxWait, int queueCapacity, int workers) {
        public static final Settings DEFAULT = new Settings(32, Duration.ofMillis(2), 256, 1);

        public Settings {
            if (maxBatch < 1 || queueCapacity < 1 || workers < 1 || maxWait.isNegative()) {
                throw new IllegalArgumentException("maxBatch, queueCapacity and workers must be >= 1 and maxWait >= 0, got "
                        + maxBatch + ", " + queueCapacity + ", " + workers + ", " + maxWait);
            }
        }

        /** One worker, as before workers existed. */
        public Settings(int maxBatch, Duration maxWait, int queueCapacity) {
            this(maxBatch, maxWait, queueCapacity, 1);
        }
    }

    private record Pending(int[] history, int k, CompletableFuture<List<Recommendation>> result, long arrivedNanos) {
    }

    private final Recommender recommender;
    private final Settings settings;
    private final IntSupplier callersInFlight;
    private final BlockingQueue<Pending> queue;
    private final List<Thread> workers;
    private final AtomicInteger held = new AtomicInteger(); // requests taken from the queue, not yet answered
    private volatile boolean accepting = true;

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private final AtomicInteger largestBatch = new AtomicInteger();

    /** A batcher that always waits up to {@code maxWait} for companions. */
    public RecommendationBatcher(Recommender recommender, Settings settings) {
        this(recommender, settings, () -> Integer.MAX_VALUE);
    }

    /**
     * @param callersInFlight how many requests are between arrival and answer (including those
     *                        queued or being batched); a worker waits for companions only
     *                        while this exceeds what the workers hold
     * @throws IllegalArgumentException for several workers over a recommender that is not
     *                                  {@link Recommender#concurrent()}
     */
    public RecommendationBatcher(Recommender recommender, Settings settings, IntSupplier callersInFlight) {
        if (settings.workers() > 1 && !recommender.concurrent()) {
            throw new IllegalArgumentException(settings.workers() + " batch workers need a recommender that may be called "
                    + "concurrently; " + recommender.info().get("kind") + " may not");
        }
        this.recommender = recommender;
        this.settings = settings;
        this.callersInFlight = callersInFlight;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        List<Thread> threads = new ArrayList<>(settings.workers());
        for (int w = 0; w < settings.workers(); w++) {
            Thread t = new Thread(this::loop, settings.workers() == 1 ? "siit-batcher" : "siit-batcher-" + (w + 1));
            t.setDaemon(true);
            threads.add(t);
        }
        this.workers = List.copyOf(threads);
        workers.forEach(Thread::start);
    }

    /**
     * Queues one history (dense items, already cut to the model's history length).
     *
     * @throws RejectedExecutionException when the queue is full or the batcher is closing
     */
    public CompletableFuture<List<Recommendation>> submit(int[] history, int k) {
        if (!accepting) {
            throw new RejectedExecutionException("the server is shutting down");
        }
        CompletableFuture<List<Recommendation>> f = new CompletableFuture<>();
        if (!queue.offer(new Pending(history, k, f, System.nanoTime()))) {
            rejected.incrementAndGet();
            throw new RejectedExecutionException("overloaded: " + settings.queueCapacity() + " requests already queued");
        }
        requests.incrementAndGet();
        return f;
    }

    public int queued() {
        return queue.size();
    }

    public Settings settings() {
        return settings;
    }

    /** Counters for /info: requests, batches, mean and largest batch size, refusals. */
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        long b = batches.get();
        m.put("requests", requests.get());
        m.put("batches", b);
        m.put("meanBatchSize", b == 0 ? 0.0 : (double) (requests.get() - queue.size()) / b);
        m.put("largestBatch", largestBatch.get());
        m.put("failedBatches", failedBatches.get());
        m.put("rejectedOverload", rejected.get());
        m.put("queued", queue.size());
        return m;
    }

    /** Adds p and everything already queued (up to maxBatch) to the batch, and counts them as held. */
    private void hold(List<Pending> batch, Pending p) {
        batch.add(p);
        held.addAndGet(1 + queue.drainTo(batch, settings.maxBatch() - batch.size()));
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(settings.maxBatch());
        while (accepting || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                hold(batch, first);
                long deadline = first.arrivedNanos() + settings.maxWait().toNanos();
                while (batch.size() < settings.maxBatch() && callersInFlight.getAsInt() > held.get()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    Pending p = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (p == null) {
                        break;
                    }
                    hold(batch, p);
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                for (Pending p : batch) { // taken but not answered
                    p.result().completeExceptionally(new RejectedExecutionException("the server is shutting down"));
                }
                break;
            } finally {
                held.addAndGet(-batch.size());
                batch.clear();
            }
        }
        // closing with requests still queued (interrupted): answer them rather than leave callers hanging
        Pending p;
        while ((p = queue.poll()) != null) {
            p.result().completeExceptionally(new RejectedExecutionException("the server is shutting down"));
        }
    }

    private void run(List<Pending> batch) {
        int k = 0;
        List<int[]> histories = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            k = Math.max(k, p.k());
            histories.add(p.history());
        }
        batches.incrementAndGet();
        largestBatch.accumulateAndGet(batch.size(), Math::max);
        try {
            // one call at the largest k; smaller requests take their prefix of the ranking
            List<List<Recommendation>> out = recommender.recommendBatch(histories, k);
            if (out.size() != batch.size()) {
                throw new IllegalStateException("recommender returned " + out.size() + " lists for " + batch.size() + " histories");
            }
            for (int i = 0; i < batch.size(); i++) {
                List<Recommendation> r = out.get(i);
                batch.get(i).result().complete(List.copyOf(r.subList(0, Math.min(batch.get(i).k(), r.size()))));
            }
        } catch (RuntimeException | Error e) {
            failedBatches.incrementAndGet();
            LOG.error("recommendBatch failed for a batch of {}", batch.size(), e);
            for (Pending p : batch) {
                p.result().completeExceptionally(e);
            }
            if (e instanceof VirtualMachineError) {
                throw e;
            }
        }
    }

    /** Refuses new requests, answers the queued ones, and stops the workers (waits up to 10 s). */
    @Override
    public void close() {
        accepting = false;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (Thread worker : workers) {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            for (Thread worker : workers) {
                if (worker.isAlive()) {
                    worker.interrupt();
                    worker.join(1_000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a submit that raced with close may have queued after the worker's last look
        Pending p;
        while ((p = queue.poll()) != null) {
            p.result().completeExceptionally(new RejectedExecutionException("the server is shutting down"));
        }
    }
}
