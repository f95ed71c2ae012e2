package dev.siit.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Drives Debian's headless Chromium through the Chrome DevTools Protocol over the JDK's own
 * WebSocket client: no WebDriver, no driver download, no extra dependency. Enough for
 * end-to-end tests of the demo page: navigate, evaluate JavaScript, type, wait for a condition.
 *
 * <p>Chromium is launched with a fresh profile and without sandbox, GPU, QUIC, first-run,
 * sync, component updates or background networking, so it contacts nothing but our server.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path DEFAULT_BINARY = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    /** Starts Chromium; fails (never skips) when it is not installed. */
    static HeadlessChromium launch() throws Exception {
        Path binary = Path.of(System.getProperty("siit.chromium", DEFAULT_BINARY.toString()));
        if (!Files.isExecutable(binary)) {
            throw new AssertionError("Chromium is not installed at " + binary
                    + ": run .ci/install-chromium.sh (apt-get install chromium chromium-driver)");
        }
        return new HeadlessChromium(binary);
    }

    private HeadlessChromium(Path binary) throws Exception {
        profile = Files.createTempDirectory("siit-chromium-");
        List<String> cmd = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "about:blank");
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            // Chromium writes the port it picked to DevToolsActivePort in the profile
            Path portFile = profile.resolve("DevToolsActivePort");
            int port = until(Duration.ofSeconds(30), () -> {
                try {
                    List<String> lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
                    return lines.isEmpty() || lines.get(0).isBlank() ? null : Integer.parseInt(lines.get(0).strip());
                } catch (IOException | NumberFormatException e) {
                    return null;
                }
            }, "Chromium's DevTools port");
            HttpClient http = HttpClient.newHttpClient();
            String pageSocket = until(Duration.ofSeconds(10), () -> {
                try {
                    JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    for (JsonNode t : targets) {
                        if ("page".equals(t.path("type").asText())) {
                            return t.path("webSocketDebuggerUrl").asText();
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }, "a page target");
            socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new Listener()).get(10, TimeUnit.SECONDS);
        } catch (Exception | AssertionError e) {
            close();
            throw new AssertionError("Chromium did not start; its log:\n" + log(), e);
        }
        call("Page.enable", JSON.createObjectNode());
        call("Runtime.enable", JSON.createObjectNode());
    }

    /** Incoming frames: command results by id; events are ignored. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode msg = JSON.readTree(partial.toString());
                    CompletableFuture<JsonNode> f = msg.has("id") ? pending.remove(msg.get("id").asInt()) : null;
                    if (f != null) {
                        if (msg.has("error")) {
                            f.completeExceptionally(new IllegalStateException("DevTools error: " + msg.get("error")));
                        } else {
                            f.complete(msg.path("result"));
                        }
                    }
                } catch (IOException e) {
                    // not JSON: DevTools never sends that; ignore
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }

    /** Sends one DevTools command and waits for its result. */
    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        return f.get(20, TimeUnit.SECONDS);
    }

    /** Evaluates a JavaScript expression in the page (awaiting promises) and returns its JSON value. */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new AssertionError("JavaScript failed: " + expression + "\n" + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    void navigate(URI url) throws Exception {
        call("Page.navigate", JSON.createObjectNode().put("url", url.toString()));
        waitFor("document.readyState === 'complete' && location.href === " + JSON.writeValueAsString(url.toString()),
                Duration.ofSeconds(20));
    }

    /** Types text into the focused element as keyboard input would (fires input events). */
    void type(String cssSelector, String text) throws Exception {
        eval("document.querySelector(" + JSON.writeValueAsString(cssSelector) + ").focus()");
        call("Input.insertText", JSON.createObjectNode().put("text", text));
    }

    /** Polls a JavaScript condition until it is true; fails with the page's state otherwise. */
    void waitFor(String condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!eval("!!(" + condition + ")").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + condition
                        + "\npage body: " + eval("document.body ? document.body.innerText : ''").asText());
            }
            Thread.sleep(50);
        }
    }

    String log() {
        try {
            return Files.readString(profile.resolve("chromium.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static <T> T until(Duration timeout, Supplier<T> probe, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            T v = probe.get();
            if (v != null) {
                return v;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }

    /** Ends the Chromium processes this object started and deletes the profile. */
    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : all) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp profile is harmless
        }
    }
}
