package dev.siit.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop load generator for {@code POST /recommend}: {@code clients} threads, each with its
 * own HTTP client (keep-alive connection), send the next request as soon as the previous answer
 * arrives. Bounded in both request count and time, and refuses any host that is not loopback so
 * it can never be pointed at someone else's server.
 */
public final class LoadGenerator {

    /**
     * Latencies in milliseconds (nearest-rank percentiles over the measured requests).
     *
     * @param statusCounts answers per HTTP status (0 = no answer: I/O error)
     */
    public record Result(int clients, int requests, double seconds, double requestsPerSecond, double p50Millis,
                         double p95Millis, double p99Millis, double maxMillis, Map<Integer, Integer> statusCounts) {
        public int errors() {
            int ok = statusCounts.getOrDefault(200, 0);
            return requests - ok;
        }
    }

    private LoadGenerator() {
    }

    /** Fails unless {@code base}'s host is a loopback address. */
    public static void requireLoopback(URI base) {
        String host = base.getHost();
        try {
            if (host == null || !InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalArgumentException("the load generator only targets loopback addresses (127.0.0.1, localhost), got "
                        + base);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host in " + base, e);
        }
    }

    /**
     * Sends up to {@code maxRequests} requests (after {@code warmup} unmeasured ones per client)
     * or until {@code maxDuration} has passed, whichever comes first.
     *
     * @param bodies JSON bodies for POST /recommend; client c sends bodies c, c + clients, ... (cyclic)
     */
    public static Result run(URI base, List<String> bodies, int clients, int maxRequests, Duration maxDuration,
                             int warmup) throws InterruptedException {
        requireLoopback(base);
        if (bodies.isEmpty() || clients < 1 || maxRequests < 1) {
            throw new IllegalArgumentException("need bodies, clients >= 1 and maxRequests >= 1");
        }
        URI target = base.resolve("/recommend");
        long[] latencies = new long[maxRequests];
        AtomicInteger next = new AtomicInteger();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        CountDownLatch warm = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2]; // start, end of the measured phase (nanos)
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final int client = c;
            Thread t = new Thread(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                int sent = 0;
                for (int w = 0; w < warmup; w++) {
                    send(http, target, bodies.get((client + (sent++) * clients) % bodies.size()));
                }
                warm.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long stop = window[0] + maxDuration.toNanos();
                int slot;
                while (System.nanoTime() < stop && (slot = next.getAndIncrement()) < maxRequests) {
                    long t0 = System.nanoTime();
                    int status = send(http, target, bodies.get((client + (sent++) * clients) % bodies.size()));
                    latencies[slot] = System.nanoTime() - t0;
                    statuses.merge(status, 1, Integer::sum);
                }
            }, "load-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        warm.await();
        window[0] = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        window[1] = System.nanoTime();
        int n = Math.min(next.get(), maxRequests);
        long[] done = Arrays.copyOf(latencies, n);
        Arrays.sort(done);
        double seconds = (window[1] - window[0]) / 1e9;
        return new Result(clients, n, seconds, n / seconds, percentile(done, 50), percentile(done, 95),
                percentile(done, 99), n == 0 ? Double.NaN : done[n - 1] / 1e6, new TreeMap<>(statuses));
    }

    /** Nearest-rank percentile of sorted nanosecond latencies, in milliseconds. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    private static int send(HttpClient http, URI target, String body) {
        HttpRequest req = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
