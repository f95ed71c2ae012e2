package dev.siit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.data.DatasetLoader;
import dev.siit.data.Example;
import dev.siit.data.InteractionDataset;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.io.InputException;
import dev.siit.serve.LoadGenerator;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code siit loadtest}: latency percentiles and throughput of a running {@code siit serve} at
 * several client counts, and optionally a memory trace (from {@code GET /info}) during a soak.
 * Requests replay the held-out test histories of the dataset, so they look like real users.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Measure POST /recommend latency and throughput of a running server on 127.0.0.1 (bounded in requests and time).")
public final class LoadtestCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/", description = "Server (loopback only; default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--data", required = true, paramLabel = "SOURCE", description = "Dataset whose test histories are replayed (the one the server serves).")
    Path data;

    @Option(names = "--kcore", defaultValue = "" + DatasetLoader.DEFAULT_KCORE, description = "k-core filter (default: ${DEFAULT-VALUE}).")
    int kcore;

    @Option(names = "--history", defaultValue = "" + LeaveOneOutSplit.DEFAULT_MAX_HISTORY, description = "History length sent (default: ${DEFAULT-VALUE}).")
    int history;

    @Option(names = "--k", defaultValue = "10", description = "Items requested (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--clients", split = ",", defaultValue = "1,8,32", description = "Concurrent clients, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--requests", defaultValue = "2000", description = "Most measured requests per run (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--seconds", defaultValue = "30", description = "Longest measured time per run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "20", description = "Unmeasured requests per client first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--sample-every", defaultValue = "0", paramLabel = "SECONDS",
            description = "Print the server's memory from /info every SECONDS during the runs (0 = off).")
    int sampleEvery;

    @Override
    public void run() {
        try {
            LoadGenerator.requireLoopback(url);
        } catch (IllegalArgumentException e) {
            throw new InputException("--url: " + e.getMessage());
        }
        if (requests < 1 || seconds < 1 || seconds > 3600 || k < 1 || k > 100 || history < 1 || warmup < 0
                || clients.stream().anyMatch(c -> c < 1 || c > 256)) {
            throw new InputException("need --requests >= 1, --seconds 1..3600, --k 1..100, --history >= 1, --warmup >= 0, --clients 1..256");
        }
        InteractionDataset d = DatasetLoader.load(data, null, kcore);
        List<String> bodies = new ArrayList<>();
        for (Example e : LeaveOneOutSplit.of(d, history).testExamples()) {
            List<String> ids = new ArrayList<>();
            for (int i : e.history()) {
                ids.add(d.itemIds().get(i));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("history", ids);
            body.put("k", k);
            try {
                bodies.add(JSON.writeValueAsString(body));
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s: %d test histories of %s, k=%d%n", url, bodies.size(), d.name(), k);
        MemorySampler sampler = sampleEvery > 0 ? new MemorySampler(url, Duration.ofSeconds(sampleEvery), out) : null;
        if (sampler != null) {
            sampler.start();
        }
        try {
            out.printf(Locale.ROOT, "%8s %9s %9s %9s %9s %9s %9s %9s %s%n", "clients", "requests", "seconds", "req/s",
                    "p50 ms", "p95 ms", "p99 ms", "max ms", "statuses");
            for (int c : clients) {
                LoadGenerator.Result r = LoadGenerator.run(url, bodies, c, requests, Duration.ofSeconds(seconds), warmup);
                out.printf(Locale.ROOT, "%8d %9d %9.1f %9.1f %9.2f %9.2f %9.2f %9.2f %s%n", r.clients(), r.requests(),
                        r.seconds(), r.requestsPerSecond(), r.p50Millis(), r.p95Millis(), r.p99Millis(), r.maxMillis(),
                        r.statusCounts());
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (sampler != null) {
                sampler.interrupt();
            }
        }
        out.println("server after the runs: " + fetchInfo(url).path("stats") + " memory " + fetchInfo(url).path("memory"));
    }

    static JsonNode fetchInfo(URI url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.resolve("/info"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new InputException("cannot reach " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Prints elapsed time, RSS, peak RSS and heap of the server every interval. */
    private static final class MemorySampler extends Thread {
        private final URI url;
        private final Duration every;
        private final PrintWriter out;

        MemorySampler(URI url, Duration every, PrintWriter out) {
            super("memory-sampler");
            setDaemon(true);
            this.url = url;
            this.every = every;
            this.out = out;
        }

        @Override
        public void run() {
            long t0 = System.nanoTime();
            while (!isInterrupted()) {
                JsonNode m = fetchInfo(url).path("memory");
                synchronized (out) {
                    out.printf(Locale.ROOT, "memory t=%6.1fs rss=%7.1f MiB peakRss=%7.1f MiB heapUsed=%7.1f MiB heapLiveAfterGc=%7.1f MiB heapCommitted=%7.1f MiB%n",
                            (System.nanoTime() - t0) / 1e9, mib(m, "rssBytes"), mib(m, "peakRssBytes"),
                            mib(m, "heapUsedBytes"), mib(m, "heapLiveAfterGcBytes"), mib(m, "heapCommittedBytes"));
                    out.flush();
                }
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static double mib(JsonNode m, String key) {
            return m.path(key).asLong(-1) / (1024.0 * 1024.0);
        }
    }
}
