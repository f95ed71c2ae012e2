package dev.siit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecommendationBatcherTest {

    private static List<Integer> items(CompletableFuture<List<Recommendation>> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS).stream().map(Recommendation::item).toList();
    }

    @Test
    void requestsThatArriveWhileTheModelIsBusyGoOutAsOneBatch() throws Exception {
        GatedRecommender rec = new GatedRecommender(10);
        rec.close();
        try (RecommendationBatcher b = new RecommendationBatcher(rec, new RecommendationBatcher.Settings(8, Duration.ZERO, 16))) {
            CompletableFuture<List<Recommendation>> first = b.submit(new int[] {1}, 2);
            rec.awaitEntered(); // the worker holds the first request alone
            List<CompletableFuture<List<Recommendation>>> later = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                later.add(b.submit(new int[] {2}, i == 0 ? 1 : 3));
            }
            rec.open();
            assertEquals(List.of(1, 0), items(first));
            // one call at the largest k (3) ranks 2, 1, 0; the k=1 request gets only the top item
            assertEquals(List.of(2), items(later.get(0)));
            for (int i = 1; i < 5; i++) {
                assertEquals(List.of(2, 1, 0), items(later.get(i)));
            }
            assertEquals(List.of(1, 5), rec.batchSizes);
            assertEquals(List.of(2, 3), rec.batchKs);
            assertEquals(5, b.stats().get("largestBatch"));
            assertEquals(2L, b.stats().get("batches"));
        }
    }

    @Test
    void batchesAreCutAtMaxBatch() throws Exception {
        GatedRecommender rec = new GatedRecommender(10);
        rec.close();
        try (RecommendationBatcher b = new RecommendationBatcher(rec, new RecommendationBatcher.Settings(2, Duration.ZERO, 16))) {
            List<CompletableFuture<List<Recommendation>>> all = new ArrayList<>();
            all.add(b.submit(new int[] {1}, 1));
            rec.awaitEntered();
            for (int i = 0; i < 5; i++) {
                all.add(b.submit(new int[] {1}, 1));
            }
            rec.open();
            for (CompletableFuture<List<Recommendation>> f : all) {
                assertEquals(List.of(0), items(f));
            }
            assertEquals(List.of(1, 2, 2, 1), rec.batchSizes);
        }
    }

    @Test
    void aLoneRequestWaitsForACompanionUpToMaxWait() throws Exception {
        GatedRecommender rec = new GatedRecommender(10);
        // a generous wait so that a slow, shared machine still puts both into one batch; the batch
        // is full at 2, so the worker does not wait the whole 2 s
        try (RecommendationBatcher b = new RecommendationBatcher(rec, new RecommendationBatcher.Settings(2, Duration.ofSeconds(2), 16))) {
            CompletableFuture<List<Recommendation>> x = b.submit(new int[] {1}, 1);
            CompletableFuture<List<Recommendation>> y = b.submit(new int[] {2}, 1);
            items(x);
            items(y);
            assertEquals(List.of(2), rec.batchSizes);
        }
    }

    @Test
    void aLoneCallerIsNotMadeToWait() throws Exception {
        GatedRecommender rec = new GatedRecommender(10);
        // one caller in flight: the worker must not wait the 5 s for a companion
        try (RecommendationBatcher b = new RecommendationBatcher(rec, new RecommendationBatcher.Settings(8, Duration.ofSeconds(5), 16),
                () -> 1)) {
            long t0 = System.nanoTime();
            assertEquals(List.of(0), items(b.submit(new int[] {1}, 1)));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "waited " + (System.nanoTime() - t0) / 1e6 + " ms");
        }
    }

    @Test
    void aFullQueueRefusesInsteadOfGrowing() throws Exception {
        GatedRecommender rec = new GatedRecommender(10);
        rec.close();
        try (RecommendationBatcher b = new RecommendationBatcher(rec, new RecommendationBatcher.Settings(8, Duration.ZERO, 2))) {
            CompletableFuture<List<Recommendation>> running = b.submit(new int[] {1}, 1);
            rec.awaitEntered();
            CompletableFuture<List<Recommendation>> q1 = b.submit(new int[] {1}, 1);
            CompletableFuture<List<Recommendation>> q2 = b.submit(new int[] {1}, 1);
            assertThrows(RejectedExecutionException.class, () -> b.submit(new int[] {1}, 1));
            assertEquals(1L, b.stats().get("rejectedOverload"));
            rec.open();
            assertEquals(List.of(0), items(running));
            assertEquals(List.of(0), items(q1));
            assertEquals(List.of(0), items(q2));
        }
    }

    @Test
    void aFailingBatchFailsItsRequestsAndTheWorkerGoesOn() throws Exception {
        GatedRecommender rec = new GatedRecommender(10);
        try (RecommendationBatcher b = new RecommendationBatcher(rec, new RecommendationBatcher.Settings(8, Duration.ZERO, 16))) {
            IllegalStateException boom = new IllegalStateException("boom");
            rec.failure = boom;
            ExecutionException e = assertThrows(ExecutionException.class, () -> b.submit(new int[] {1}, 1).get(10, TimeUnit.SECONDS));
            assertSame(boom, e.getCause());
            rec.failure = null;
            assertEquals(List.of(1, 0), items(b.submit(new int[] {1}, 2)));
            assertEquals(1L, b.stats().get("failedBatches"));
        }
    }

    @Test
    void closeAnswersQueuedRequestsAndRefusesNewOnes() throws Exception {
        GatedRecommender rec = new GatedRecommender(10);
        rec.close();
        RecommendationBatcher b = new RecommendationBatcher(rec, new RecommendationBatcher.Settings(1, Duration.ZERO, 16));
        CompletableFuture<List<Recommendation>> running = b.submit(new int[] {1}, 1);
        rec.awaitEntered();
        CompletableFuture<List<Recommendation>> queued = b.submit(new int[] {1}, 1);
        Thread closer = new Thread(b::close);
        closer.start();
        Thread.sleep(50);
        rec.open();
        closer.join(15_000);
        assertTrue(!closer.isAlive(), "close() must return");
        assertEquals(List.of(0), items(running));
        assertEquals(List.of(0), items(queued), "requests queued before close are still answered");
        assertThrows(RejectedExecutionException.class, () -> b.submit(new int[] {1}, 1));
    }

    @Test
    void twoWorkersAnswerTwoBatchesAtOnce() throws Exception {
        GatedRecommender rec = new GatedRecommender(10, true);
        rec.close();
        try (RecommendationBatcher b = new RecommendationBatcher(rec, new RecommendationBatcher.Settings(1, Duration.ZERO, 16, 2))) {
            CompletableFuture<List<Recommendation>> x = b.submit(new int[] {1}, 1);
            CompletableFuture<List<Recommendation>> y = b.submit(new int[] {2}, 2);
            // both inside recommendBatch while the gate is shut: one worker could enter only once
            rec.awaitEntered();
            rec.awaitEntered();
            CompletableFuture<List<Recommendation>> z = b.submit(new int[] {3}, 1);
            assertTrue(!z.isDone(), "both workers are busy, the third request waits in the queue");
            rec.open();
            assertEquals(List.of(0), items(x));
            assertEquals(List.of(1, 0), items(y));
            assertEquals(List.of(0), items(z));
            assertEquals(List.of(1, 1, 1), rec.batchSizes);
            assertEquals(3L, b.stats().get("batches"));
        }
    }

    @Test
    void aWorkerDoesNotWaitForCallersAnotherWorkerHolds() throws Exception {
        GatedRecommender rec = new GatedRecommender(10, true);
        rec.close();
        // two callers in flight, both taken by a worker: the second worker must not wait the 5 s
        // for a companion who is already being answered elsewhere
        try (RecommendationBatcher b = new RecommendationBatcher(rec, new RecommendationBatcher.Settings(8, Duration.ofSeconds(5), 16, 2),
                () -> 2)) {
            CompletableFuture<List<Recommendation>> x = b.submit(new int[] {1}, 1);
            rec.awaitEntered();
            long t0 = System.nanoTime();
            CompletableFuture<List<Recommendation>> y = b.submit(new int[] {2}, 1);
            rec.awaitEntered();
            long waited = System.nanoTime() - t0;
            rec.open();
            assertEquals(List.of(0), items(x));
            assertEquals(List.of(0), items(y));
            assertTrue(waited < TimeUnit.SECONDS.toNanos(3), "the second worker waited " + waited / 1e6 + " ms");
            assertEquals(List.of(1, 1), rec.batchSizes);
        }
    }

    @Test
    void severalWorkersNeedAConcurrentRecommender() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RecommendationBatcher(
                new GatedRecommender(10), new RecommendationBatcher.Settings(8, Duration.ZERO, 16, 2)));
        assertTrue(e.getMessage().contains("gated-test"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RecommendationBatcher.Settings(8, Duration.ZERO, 16, 0));
    }
}
