package dev.siit.cli;

import dev.siit.data.DatasetLoader;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.io.InputException;
import dev.siit.serve.RecommendationBatcher;
import dev.siit.serve.RecommendationServer;
import dev.siit.serve.ServedModel;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code siit serve}: the recommendation HTTP API and demo page. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve recommendations over HTTP (POST /recommend, GET /items, /health, /info) and a demo page at /.",
                "With --data the server ranks with a co-occurrence baseline (not the generative model); /info says so."})
public final class ServeCommand implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    static final class Source {
        @Option(names = "--run", paramLabel = "NAME", description = "A trained run (runs/NAME/, see siit train): serve its model.")
        String run;

        @Option(names = "--data", paramLabel = "SOURCE",
                description = "A dataset (folder or file): serve the co-occurrence baseline built from its training split.")
        Path data;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--runs-root", defaultValue = "runs", paramLabel = "DIR",
            description = "Folder holding the run folders (default: ${DEFAULT-VALUE}).")
    Path runsRoot;

    @Option(names = "--device", description = "cpu or gpu for --run (default: the run's device).")
    String device;

    @Option(names = "--beam", description = "Beam size for --run (default: the run's beam); also the most items a request gets.")
    Integer beam;

    @Option(names = "--template", defaultValue = "0", description = "Prompt template used for every request with --run (default: ${DEFAULT-VALUE}).")
    int template;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--kcore", defaultValue = "" + DatasetLoader.DEFAULT_KCORE, description = "k-core filter for --data (default: ${DEFAULT-VALUE}).")
    int kcore;

    @Option(names = "--history", defaultValue = "" + LeaveOneOutSplit.DEFAULT_MAX_HISTORY,
            description = "H, the most recent items used, for --data (default: ${DEFAULT-VALUE}).")
    int history;

    @Option(names = "--max-batch", defaultValue = "32", description = "Most requests per recommendBatch call (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--batch-wait-ms", defaultValue = "2", description = "Longest a request waits for companions (default: ${DEFAULT-VALUE}).")
    long batchWaitMillis;

    @Option(names = "--queue", defaultValue = "256", description = "Most requests waiting; more get 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--threads", defaultValue = "64", description = "HTTP handler threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--engine-threads", paramLabel = "N",
            description = "PyTorch intra-op threads per batch worker (default: (cores - 1) / workers, at least 1: the "
                    + "HTTP threads need a core too; on 2 cores 1 beat 2 at 1, 8 and 32 clients, docs/serving.md).")
    Integer engineThreads;

    @Option(names = "--workers", paramLabel = "N",
            description = "Batches of a --run answered at once, each on its own thread (default: min(2, cores); on 2 cores "
                    + "2 workers answered 46-62%% more requests per second at 8 and 32 clients than 1, docs/serving.md).")
    Integer workers;

    @Override
    public void run() {
        if (port < 0 || port > 65535) {
            throw new InputException("--port must be 0..65535, got " + port);
        }
        if (history < 1 || maxBatch < 1 || batchWaitMillis < 0 || queue < 1 || threads < 1) {
            throw new InputException("--history, --max-batch, --queue and --threads must be >= 1 and --batch-wait-ms >= 0");
        }
        requireResolvable(host);
        int cores = Runtime.getRuntime().availableProcessors();
        // a generative run answers min(2, cores) batches at once by default: one beam-search step's
        // ops are too small to keep two cores busy, two single-threaded decodes do (docs/serving.md,
        // tenth session: +46-62% req/s at 8 and 32 clients on 2 cores, one client unchanged)
        int batchWorkers = workers != null ? workers : source.run != null ? Math.min(2, cores) : 1;
        if (batchWorkers < 1) {
            throw new InputException("--workers must be >= 1, got " + batchWorkers);
        }
        // the engine threads share the cores left to the HTTP threads' one among the workers
        int engine = engineThreads != null ? engineThreads : Math.max(1, (cores - 1) / batchWorkers);
        if (engine < 1) {
            throw new InputException("--engine-threads must be >= 1, got " + engine);
        }
        ServedModel model = source.run != null
                ? RunRecommender.load(runsRoot, source.run, device, beam, template)
                : ServedModel.cooccurrence(source.data, kcore, history);
        if (batchWorkers > 1 && !model.recommender().concurrent()) {
            closeQuietly(model);
            throw new InputException("--workers applies to --run: the " + model.recommender().info().get("kind")
                    + " recommender answers one batch at a time");
        }
        if (source.run != null) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(engine); // the engine is loaded by now
            LOG.info("batch workers: {}, engine intra-op threads each: {}", batchWorkers, engine);
        }
        // one request through the model before listening: the engine's first call is slow, and a user
        // should not be the one who pays for it
        model.recommender().recommendBatch(java.util.List.of(new int[] {0}), 1);
        RecommendationServer.Settings settings = new RecommendationServer.Settings(host, port,
                new RecommendationBatcher.Settings(maxBatch, Duration.ofMillis(batchWaitMillis), queue, batchWorkers), threads,
                Duration.ofSeconds(30));
        RecommendationServer server;
        try {
            server = RecommendationServer.start(model.catalog(), model.recommender(), model.dataset(), settings);
        } catch (UncheckedIOException e) {
            closeQuietly(model);
            throw new InputException(e.getMessage(), e);
        }
        if (!isLoopback(host)) {
            LOG.warn("listening on {}, which is not a loopback address: the API has no authentication", host);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            server.close();
            closeQuietly(model);
            stopped.countDown();
        }, "siit-serve-shutdown"));
        System.out.println("siit serve: " + model.recommender().info().get("kind") + " recommender on "
                + model.dataset().get("name") + " (" + model.catalog().size() + " items) at " + server.uri()
                + "  (Ctrl-C stops)");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
    }

    private static void closeQuietly(ServedModel model) {
        try {
            model.close();
        } catch (Exception e) {
            LOG.warn("releasing the model failed: {}", e.toString());
        }
    }

    private static void requireResolvable(String host) {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new InputException("--host " + host + " is not a known address");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
