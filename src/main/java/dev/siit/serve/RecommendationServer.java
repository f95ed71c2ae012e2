package dev.siit.serve;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recommendation HTTP API on the JDK's built-in {@link HttpServer} (no extra dependency; the
 * API is five routes, and the blocking handler threads wait on the {@link RecommendationBatcher}).
 *
 * <ul>
 *   <li>{@code POST /recommend} {@code {"history": [ids], "k": 10}} -> ranked items</li>
 *   <li>{@code GET /items?query=TEXT[&limit=20]} -> items whose title matches</li>
 *   <li>{@code GET /health}, {@code GET /info}</li>
 *   <li>{@code GET /} -> the single-page demo (resource {@code index.html})</li>
 * </ul>
 * Every refusal is a 4xx with {@code {"error": sentence, "field": name}}; a handler never lets
 * an exception reach the HTTP server's threads.
 */
public final class RecommendationServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecommendationServer.class);

    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final long MAX_DISCARD_BYTES = 1 << 20;
    public static final int DEFAULT_ITEMS_LIMIT = 20;
    public static final int MAX_ITEMS_LIMIT = 100;
    public static final int MAX_QUERY_CHARS = 200;

    /**
     * @param host           address to bind (127.0.0.1 unless told otherwise)
     * @param port           0 picks a free port
     * @param batching       micro-batching settings
     * @param handlerThreads HTTP handler threads; each waits on one request's batch, so this
     *                       bounds how many requests can be batched together
     * @param requestTimeout longest a request waits for its recommendations before a 503
     */
    public record Settings(String host, int port, RecommendationBatcher.Settings batching, int handlerThreads,
                           Duration requestTimeout) {
        public static Settings defaults(String host, int port) {
            return new Settings(host, port, RecommendationBatcher.Settings.DEFAULT, 64, Duration.ofSeconds(30));
        }

        public Settings {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            if (handlerThreads < 1) {
                throw new IllegalArgumentException("handlerThreads must be >= 1, got " + handlerThreads);
            }
        }
    }

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, the body
        // waits for the client's delayed ACK (~40 ms on Linux) on every keep-alive request.
        // Read once by sun.net.httpserver.ServerConfig, so set it before the first server exists.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ItemCatalog catalog;
    private final Recommender recommender;
    private final Map<String, Object> dataset;
    private final Settings settings;
    private final RecommendationBatcher batcher;
    private final HttpServer http;
    private final ExecutorService handlers;
    private final byte[] page;
    private final long startedMillis = System.currentTimeMillis();
    private volatile boolean closed;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger recommendsInFlight = new AtomicInteger(); // POST /recommend being answered

    private RecommendationServer(ItemCatalog catalog, Recommender recommender, Map<String, Object> dataset,
                                 Settings settings) throws IOException {
        if (recommender.numItems() != catalog.size()) {
            throw new IllegalArgumentException("recommender ranks " + recommender.numItems() + " items but the catalogue has "
                    + catalog.size());
        }
        this.catalog = catalog;
        this.recommender = recommender;
        this.dataset = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dataset));
        this.settings = settings;
        try (InputStream in = RecommendationServer.class.getResourceAsStream("index.html")) {
            if (in == null) {
                throw new IllegalStateException("resource dev/siit/serve/index.html is missing from the jar");
            }
            this.page = in.readAllBytes();
        }
        this.batcher = new RecommendationBatcher(recommender, settings.batching(), recommendsInFlight::get);
        AtomicInteger n = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(settings.handlerThreads(), r -> {
            Thread t = new Thread(r, "siit-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 128);
        } catch (IOException e) {
            batcher.close();
            handlers.shutdownNow();
            throw e;
        }
        http.setExecutor(handlers);
        http.createContext("/", this::handle);
        http.start();
    }

    /** Binds, starts and returns the server; {@code dataset} is shown under {@code /info}. */
    public static RecommendationServer start(ItemCatalog catalog, Recommender recommender, Map<String, Object> dataset,
                                             Settings settings) {
        try {
            return new RecommendationServer(catalog, recommender, dataset, settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://host:port/} of the running server. */
    public URI uri() {
        String host = http.getAddress().getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port() + "/");
    }

    // ---- routing ----

    private void handle(HttpExchange ex) {
        inFlight.incrementAndGet();
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            switch (path) {
                case "/", "/index.html" -> {
                    requireMethod(ex, "GET");
                    send(ex, 200, "text/html; charset=utf-8", page);
                }
                case "/health" -> {
                    requireMethod(ex, "GET");
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("status", closed ? "stopping" : "ok");
                    m.put("queued", batcher.queued());
                    sendJson(ex, closed ? 503 : 200, m);
                }
                case "/info" -> {
                    requireMethod(ex, "GET");
                    sendJson(ex, 200, info());
                }
                case "/items" -> {
                    requireMethod(ex, "GET");
                    sendJson(ex, 200, items(ex.getRequestURI().getRawQuery()));
                }
                case "/recommend" -> {
                    requireMethod(ex, "POST");
                    if (closed) {
                        throw new ApiException(503, null, "the server is shutting down");
                    }
                    recommendsInFlight.incrementAndGet();
                    try {
                        sendJson(ex, 200, recommend(ex));
                    } finally {
                        recommendsInFlight.decrementAndGet();
                    }
                }
                default -> throw new ApiException(404, "path", "no such endpoint: " + method + " " + path
                        + " (try GET /, /items?query=, /health, /info or POST /recommend)");
            }
        } catch (ApiException e) {
            sendError(ex, e.status(), e.field(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("internal error on {} {}", ex.getRequestMethod(), ex.getRequestURI(), e);
            sendError(ex, 500, null, "internal error: " + e);
        } catch (IOException e) {
            // the client went away while we read or wrote; nothing to answer
            LOG.debug("I/O error on {} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
        } finally {
            ex.close();
            inFlight.decrementAndGet();
        }
    }

    private static void requireMethod(HttpExchange ex, String method) {
        if (!ex.getRequestMethod().equals(method)) {
            ex.getResponseHeaders().set("Allow", method);
            throw new ApiException(405, "method", ex.getRequestURI().getPath() + " accepts only " + method + ", got "
                    + ex.getRequestMethod());
        }
    }

    // ---- endpoints ----

    private Map<String, Object> recommend(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
            throw new ApiException(415, "Content-Type", "POST /recommend needs Content-Type: application/json, got "
                    + (type == null ? "none" : type));
        }
        byte[] body = readBody(ex);
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "body", "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
        RecommendRequest req = RecommendRequest.parse(root, catalog, recommender.maxHistory());
        List<Recommendation> recs;
        try {
            recs = batcher.submit(req.history(), req.k()).get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            ex.getResponseHeaders().set("Retry-After", "1");
            throw new ApiException(503, null, e.getMessage());
        } catch (TimeoutException e) {
            throw new ApiException(503, null, "no answer within " + settings.requestTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, null, "the server is shutting down");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RejectedExecutionException r) {
                throw new ApiException(503, null, r.getMessage());
            }
            throw new IllegalStateException("the recommender failed: " + e.getCause(), e.getCause());
        }
        List<Map<String, Object>> items = new ArrayList<>(recs.size());
        for (Recommendation r : recs) {
            ItemCatalog.Item it = catalog.get(r.item());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("item", it.id());
            m.put("title", it.title());
            m.put("identifier", it.identifier());
            m.put("score", r.score());
            items.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("truncated", req.truncated());
        if (req.truncated()) {
            out.put("note", "history has " + req.sent() + " items; the model reads only the most recent "
                    + req.history().length + ", so the first " + (req.sent() - req.history().length) + " were ignored");
        }
        return out;
    }

    /** Reads at most {@link #MAX_BODY_BYTES}; refuses larger bodies with 413 without reading them whole. */
    private static byte[] readBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw new ApiException(400, "Content-Length", "Content-Length is not a number: " + length);
            }
            if (n > MAX_BODY_BYTES) {
                discard(ex.getRequestBody());
                throw new ApiException(413, "body", "the body has " + n + " bytes; at most " + MAX_BODY_BYTES + " are accepted");
            }
        }
        InputStream in = ex.getRequestBody();
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            discard(in);
            throw new ApiException(413, "body", "the body is over " + MAX_BODY_BYTES + " bytes");
        }
        return body;
    }

    /**
     * Reads and drops up to {@link #MAX_DISCARD_BYTES} of a refused body. Closing a socket with
     * unread input makes TCP send a reset, which can destroy our 413 before the client reads
     * it; past this bound we accept that risk rather than read without limit.
     */
    private static void discard(InputStream in) throws IOException {
        long left = MAX_DISCARD_BYTES;
        byte[] buf = new byte[8192];
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
            left -= n;
        }
    }

    private Map<String, Object> items(String rawQuery) {
        Map<String, String> params = queryParameters(rawQuery);
        String query = null;
        int limit = DEFAULT_ITEMS_LIMIT;
        for (Map.Entry<String, String> p : params.entrySet()) {
            switch (p.getKey()) {
                case "query" -> query = p.getValue();
                case "limit" -> {
                    try {
                        limit = Integer.parseInt(p.getValue());
                    } catch (NumberFormatException e) {
                        limit = -1;
                    }
                    if (limit < 1 || limit > MAX_ITEMS_LIMIT) {
                        throw new ApiException(400, "limit", "limit must be a whole number between 1 and " + MAX_ITEMS_LIMIT
                                + ", got '" + p.getValue() + "'");
                    }
                }
                default -> throw new ApiException(400, p.getKey(), "unknown parameter '" + p.getKey() + "'; expected query and limit");
            }
        }
        if (query == null || query.isBlank()) {
            throw new ApiException(400, "query", "query is missing or blank: give part of a title, e.g. /items?query=star");
        }
        if (query.length() > MAX_QUERY_CHARS) {
            throw new ApiException(400, "query", "query has " + query.length() + " characters; at most " + MAX_QUERY_CHARS);
        }
        List<Map<String, Object>> found = new ArrayList<>();
        for (ItemCatalog.Item it : catalog.search(query, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("item", it.id());
            m.put("title", it.title());
            m.put("identifier", it.identifier());
            found.add(m);
        }
        return Map.of("items", found);
    }

    private static Map<String, String> queryParameters(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), "query string");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), key);
            if (out.put(key, value) != null) {
                throw new ApiException(400, key, "parameter '" + key + "' is given twice");
            }
        }
        return out;
    }

    private static String decode(String s, String field) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, field, "malformed percent-encoding in " + field + ": " + e.getMessage());
        }
    }

    private Map<String, Object> info() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        m.put("recommender", recommender.info());
        m.put("maxHistory", recommender.maxHistory());
        m.put("items", catalog.size());
        Map<String, Object> serving = new LinkedHashMap<>();
        RecommendationBatcher.Settings b = batcher.settings();
        serving.put("maxBatch", b.maxBatch());
        serving.put("maxWaitMillis", b.maxWait().toNanos() / 1e6);
        serving.put("queueCapacity", b.queueCapacity());
        serving.put("workers", b.workers());
        serving.put("handlerThreads", settings.handlerThreads());
        serving.put("maxBodyBytes", MAX_BODY_BYTES);
        serving.put("uptimeSeconds", (System.currentTimeMillis() - startedMillis) / 1000.0);
        m.put("serving", serving);
        m.put("stats", batcher.stats());
        m.put("memory", ProcessMemory.now().toMap());
        return m;
    }

    // ---- responses ----

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    private static void sendError(HttpExchange ex, int status, String field, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        m.put("field", field);
        if (status == 413) {
            // part of the refused body may still be unread: a client that kept this connection
            // alive would send its next request into a socket the server is about to close
            ex.getResponseHeaders().set("Connection", "close");
        }
        try {
            sendJson(ex, status, m);
        } catch (IOException | RuntimeException e) {
            // headers already sent or the client left: nothing more to say
            LOG.debug("could not send error {} {}: {}", status, message, e.toString());
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Refuses new recommendation requests (503), lets those in flight finish (up to 5 s), closes
     * the listening socket, answers what is still queued, and stops the threads.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // HttpServer.stop(d) on JDK 17 can sleep the whole delay even when idle, so wait for our own
        // in-flight count and then stop at once
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        http.stop(0);
        batcher.close();
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(5, TimeUnit.SECONDS)) {
                handlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handlers.shutdownNow();
        }
    }
}
