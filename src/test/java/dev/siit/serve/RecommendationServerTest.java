package dev.siit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API over the hand-computable 4-item fixture (see {@link ServeFixtures}). */
class RecommendationServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static RecommendationServer server;
    private static URI base;

    @BeforeAll
    static void start() {
        server = RecommendationServer.start(ServeFixtures.catalog(), ServeFixtures.recommender(),
                Map.of("name", "tiny"), RecommendationServer.Settings.defaults("127.0.0.1", 0));
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** After every test, bad input included, the server must still answer. */
    @AfterEach
    void serverStillAlive() throws Exception {
        assertEquals(200, get("/health").statusCode());
    }

    // ---- helpers ----

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> recommend(String body) throws Exception {
        return post("/recommend", "application/json", body);
    }

    /** Sends one request line by hand (for requests HttpClient refuses to build) and returns the answer. */
    static String raw(String requestLine) throws IOException {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Asserts a JSON error with the given status and field. */
    static JsonNode assertError(HttpResponse<String> r, int status, String field) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), "JSON error body");
        JsonNode e = JSON.readTree(r.body());
        assertEquals(field, e.path("field").isNull() ? null : e.path("field").asText(), r.body());
        assertFalse(e.path("error").asText().isBlank(), "error sentence");
        return e;
    }

    // ---- POST /recommend ----

    @Test
    void recommendsHandComputedRanking() throws Exception {
        HttpResponse<String> r = recommend("{\"history\": [\"10\"], \"k\": 3}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        JsonNode items = body.get("items");
        assertEquals(3, items.size());
        // history [item 0]: 1 (2/3), 2 (1/3), 3 (prior only); see ServeFixtures
        assertEquals("11", items.get(0).get("item").asText());
        assertEquals("Star Wars", items.get(0).get("title").asText());
        assertTrue(items.get(0).get("identifier").isNull(), "the co-occurrence baseline has no identifiers");
        assertEquals(2.0 / 3 + ServeFixtures.prior(2), items.get(0).get("score").asDouble(), 1e-12);
        assertEquals("12", items.get(1).get("item").asText());
        assertEquals(1.0 / 3 + ServeFixtures.prior(2), items.get(1).get("score").asDouble(), 1e-12);
        assertEquals("13", items.get(2).get("item").asText());
        assertFalse(body.get("truncated").asBoolean());
        assertFalse(body.has("note"));
    }

    @Test
    void integerIdsAndDefaultK() throws Exception {
        HttpResponse<String> r = recommend("{\"history\": [10]}");
        assertEquals(200, r.statusCode(), r.body());
        // default k = 10 but only 3 items are not in the history
        assertEquals(3, JSON.readTree(r.body()).get("items").size());
        assertEquals(200, post("/recommend", "Application/JSON; charset=UTF-8", "{\"history\": [\"10\"]}").statusCode());
    }

    @Test
    void longHistoryIsCutToTheMostRecentItemsAndSaysSo() throws Exception {
        // H = 2: [13, 11, 10] -> [11, 10]; 13 was cut, so it may be recommended again:
        // item 2 = 1/3 + 0.5 * 1/2, item 3 = 0.5 * 1/2 (+ priors)
        HttpResponse<String> r = recommend("{\"history\": [\"13\", \"11\", \"10\"], \"k\": 5}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.get("truncated").asBoolean());
        assertTrue(body.get("note").asText().contains("most recent 2"), body.get("note").asText());
        assertEquals(2, body.get("items").size());
        assertEquals("12", body.get("items").get(0).get("item").asText());
        assertEquals(1.0 / 3 + 0.25 + ServeFixtures.prior(2), body.get("items").get(0).get("score").asDouble(), 1e-12);
        assertEquals("13", body.get("items").get(1).get("item").asText());
    }

    @Test
    void unknownItemIsRefusedNamingItsPosition() throws Exception {
        JsonNode e = assertError(recommend("{\"history\": [\"10\", \"999\"]}"), 400, "history[1]");
        assertTrue(e.get("error").asText().contains("999"));
        assertError(recommend("{\"history\": [\"10\", 1.5]}"), 400, "history[1]");
        assertError(recommend("{\"history\": [null]}"), 400, "history[0]");
        assertError(recommend("{\"history\": [{\"item\": \"10\"}]}"), 400, "history[0]");
    }

    @Test
    void emptyMissingOrNonArrayHistoryIsRefused() throws Exception {
        assertError(recommend("{\"history\": []}"), 400, "history");
        assertError(recommend("{\"k\": 3}"), 400, "history");
        assertError(recommend("{\"history\": \"10\"}"), 400, "history");
    }

    @Test
    void tooLongHistoryIsRefused() throws Exception {
        StringBuilder b = new StringBuilder("{\"history\": [");
        for (int i = 0; i <= RecommendRequest.MAX_SENT_HISTORY; i++) {
            b.append(i == 0 ? "" : ",").append("\"10\"");
        }
        assertError(recommend(b.append("]}").toString()), 400, "history");
    }

    @Test
    void kOutsideOneToHundredIsRefused() throws Exception {
        for (String k : new String[] {"0", "101", "-3", "2.5", "\"5\"", "true", "99999999999"}) {
            assertError(recommend("{\"history\": [\"10\"], \"k\": " + k + "}"), 400, "k");
        }
        assertEquals(200, recommend("{\"history\": [\"10\"], \"k\": 100}").statusCode());
        assertEquals(200, recommend("{\"history\": [\"10\"], \"k\": 1}").statusCode());
    }

    @Test
    void malformedJsonIsRefused() throws Exception {
        assertError(recommend("{\"history\": [\"10\""), 400, "body");
        assertError(recommend(""), 400, "body");
        assertError(recommend("{\"history\": [\"10\"]} {}"), 400, "body");
        assertError(recommend("[\"10\"]"), 400, "body");
        assertError(recommend("{\"history\": [\"10\"], \"history\": [\"11\"]}"), 400, "body");
        assertError(recommend("{\"history\": [\"10\"], \"hist\": 1}"), 400, "hist");
    }

    @Test
    void bodyOver64KiBIsRefused() throws Exception {
        String big = "{\"history\": [\"10\"], \"k\": 1" + " ".repeat(RecommendationServer.MAX_BODY_BYTES) + "}";
        HttpResponse<String> refused = recommend(big);
        assertError(refused, 413, "body");
        // the connection is not offered for reuse: its unread rest would poison the next request
        assertEquals("close", refused.headers().firstValue("Connection").orElse("").toLowerCase(java.util.Locale.ROOT));
        // without Content-Length (chunked): the server stops reading at the limit
        byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
        HttpRequest chunked = HttpRequest.newBuilder(base.resolve("/recommend")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        assertError(HTTP.send(chunked, HttpResponse.BodyHandlers.ofString()), 413, "body");
        // a body far over the limit (1.5 MiB) is still refused, the server stays up (checked after each test)
        byte[] huge = new byte[3 << 19];
        java.util.Arrays.fill(huge, (byte) ' ');
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/recommend"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode());
        } catch (IOException reset) {
            // past 1 MiB the server closes without reading on; a reset may overtake the 413
        }
        // exactly at the limit is fine
        String edge = "{\"history\": [\"10\"], \"k\": 1}";
        edge = edge.substring(0, edge.length() - 1) + " ".repeat(RecommendationServer.MAX_BODY_BYTES - edge.length()) + "}";
        assertEquals(RecommendationServer.MAX_BODY_BYTES, edge.length());
        assertEquals(200, recommend(edge).statusCode());
    }

    @Test
    void wrongContentTypeOrMethodIsRefused() throws Exception {
        assertError(post("/recommend", "text/plain", "{\"history\": [\"10\"]}"), 415, "Content-Type");
        assertError(post("/recommend", null, "{\"history\": [\"10\"]}"), 415, "Content-Type");
        HttpResponse<String> r = get("/recommend");
        assertError(r, 405, "method");
        assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
        assertError(post("/items?query=star", "application/json", "{}"), 405, "method");
        assertError(post("/health", "application/json", "{}"), 405, "method");
        assertError(get("/nope"), 404, "path");
    }

    @Test
    void garbageOnTheSocketDoesNotHurtTheServer() throws Exception {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            in.readAllBytes(); // whatever the JDK server answers, it closes the connection
        } catch (IOException ignored) {
            // a reset or silence is an acceptable answer to garbage; what matters is /health afterwards
        }
    }

    // ---- GET /items, /health, /info, / ----

    @Test
    void itemsSearchByTitle() throws Exception {
        HttpResponse<String> r = get("/items?query=" + "Star");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode items = JSON.readTree(r.body()).get("items");
        // titles starting with "star" by popularity (both 2 vs 3: item 0 pop 3, item 1 pop 2), then "Lone Star", then "Mustard"
        assertEquals("10", items.get(0).get("item").asText());
        assertEquals("Starship Troopers", items.get(0).get("title").asText());
        assertEquals("11", items.get(1).get("item").asText());
        assertEquals("12", items.get(2).get("item").asText());
        assertEquals("13", items.get(3).get("item").asText());
        assertEquals(2, JSON.readTree(get("/items?query=star&limit=2").body()).get("items").size());
        assertEquals(1, JSON.readTree(get("/items?query=lone%20star").body()).get("items").size());
    }

    @Test
    void badItemsQueriesAreRefused() throws Exception {
        assertError(get("/items"), 400, "query");
        assertError(get("/items?query=%20%20"), 400, "query");
        assertError(get("/items?query=star&limit=0"), 400, "limit");
        assertError(get("/items?query=star&limit=101"), 400, "limit");
        assertError(get("/items?query=star&limit=ten"), 400, "limit");
        assertError(get("/items?query=star&sort=title"), 400, "sort");
        assertTrue(raw("GET /items?query=%zz HTTP/1.1").startsWith("HTTP/1.1 400"), "malformed percent-encoding");
        assertError(get("/items?query=a&query=b"), 400, "query");
        assertError(get("/items?query=" + "x".repeat(RecommendationServer.MAX_QUERY_CHARS + 1)), 400, "query");
    }

    @Test
    void healthInfoAndPage() throws Exception {
        assertEquals("ok", JSON.readTree(get("/health").body()).get("status").asText());
        JsonNode info = JSON.readTree(get("/info").body());
        assertEquals("tiny", info.get("dataset").get("name").asText());
        assertEquals("co-occurrence", info.get("recommender").get("kind").asText());
        assertEquals(2, info.get("maxHistory").asInt());
        assertEquals(4, info.get("items").asInt());
        assertTrue(info.get("memory").get("heapUsedBytes").asLong() > 0);
        // without TCP_NODELAY every keep-alive answer stalls ~40 ms on the client's delayed ACK
        assertEquals("true", System.getProperty("sun.net.httpserver.nodelay"));
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("id=\"recommend\""));
    }

    // ---- overload, failures, shutdown (own servers) ----

    @Test
    void overloadGives503AndRecommenderFailureGives500() throws Exception {
        GatedRecommender rec = new GatedRecommender(4);
        rec.close();
        RecommendationServer.Settings s = new RecommendationServer.Settings("127.0.0.1", 0,
                new RecommendationBatcher.Settings(1, Duration.ZERO, 1), 8, Duration.ofSeconds(10));
        try (RecommendationServer own = RecommendationServer.start(ServeFixtures.catalog(), rec, Map.of(), s)) {
            URI u = own.uri().resolve("/recommend");
            HttpRequest req = HttpRequest.newBuilder(u).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"history\": [\"10\"], \"k\": 2}")).build();
            CompletableFuture<HttpResponse<String>> running = HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            rec.awaitEntered();
            CompletableFuture<HttpResponse<String>> queued = HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (JSON.readTree(HTTP.send(HttpRequest.newBuilder(own.uri().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("queued").asInt() < 1) {
                assertTrue(System.nanoTime() < deadline, "second request never queued");
                Thread.sleep(5);
            }
            HttpResponse<String> refused = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            assertError(refused, 503, null);
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
            rec.open();
            assertEquals(200, running.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(200, queued.get(10, TimeUnit.SECONDS).statusCode());

            rec.failure = new IllegalStateException("model exploded");
            assertError(HTTP.send(req, HttpResponse.BodyHandlers.ofString()), 500, null);
            rec.failure = null;
            assertEquals(200, HTTP.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void closeFreesThePortPromptly() throws Exception {
        RecommendationServer own = RecommendationServer.start(ServeFixtures.catalog(), ServeFixtures.recommender(),
                Map.of(), RecommendationServer.Settings.defaults("127.0.0.1", 0));
        URI u = own.uri();
        assertEquals(200, HTTP.send(HttpRequest.newBuilder(u.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        long t0 = System.nanoTime();
        own.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "close took " + (System.nanoTime() - t0) / 1e6 + " ms");
        assertThrows(ConnectException.class, () -> new Socket(u.getHost(), u.getPort()).close());
        own.close(); // idempotent
    }

    @Test
    void bindsToLoopbackByDefault() {
        assertEquals("127.0.0.1", server.uri().getHost());
    }
}
