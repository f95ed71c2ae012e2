package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.model.T5Config;
import dev.siit.model.T5Model;
import dev.siit.serve.RecommendationServer;
import dev.siit.serve.ServedModel;
import dev.siit.train.TrainConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --run}: a run folder laid out as {@code siit train} leaves it (run.json, item
 * tokens, best/ weights) with a tiny untrained T5 on MovieLens-100K and sequential identifiers,
 * served over HTTP. Weights are random: the test checks the plumbing, not recommendation quality.
 */
class RunRecommenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path root;
    private static ServedModel served;
    private static RecommendationServer server;

    @BeforeAll
    static void makeRunAndServe() throws Exception {
        Path shared = Path.of(System.getProperty("siit.shared.data"));
        root = Files.createTempDirectory("siit-runs-");
        Path dir = root.resolve("tiny");
        TrainConfig c = TrainConfig.defaults().with(Map.of("beam", 5, "max_history", 10, "seed", 3));
        RunSpec s0 = new RunSpec(RunSpec.VERSION, "tiny", shared.resolve("ml-100k").toString(), "movielens", "sid", null,
                shared.resolve("t5-tokenizer").toString(), null, c.toTree(), Map.of("test", "RunRecommenderTest"));
        RecommenderRun r = RecommenderRun.create(s0, dir, c);
        new RunSpec(s0.formatVersion(), s0.name(), s0.data(), s0.format(), s0.ids(), s0.backbone(), s0.tokenizer(),
                r.data.fingerprint(), s0.train(), s0.provenance()).save(dir);
        r.tokenizer.saveItemTokens(dir);
        T5Config tiny = new T5Config(r.tokenizer.vocabSize(), 16, 8, 32, 1, 1, 2, 32, 128, 0.0, 1e-6, "relu", true, 1.0,
                r.tokenizer.padId(), r.tokenizer.eosId(), r.tokenizer.padId());
        try (T5Model m = T5Model.create(tiny, 7)) {
            m.save(dir.resolve("best"));
        }
        r.tokenizer.close();
        served = RunRecommender.load(root, "tiny", "cpu", null, 0);
        server = RecommendationServer.start(served.catalog(), served.recommender(), served.dataset(),
                RecommendationServer.Settings.defaults("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (served != null) {
            served.close();
        }
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static JsonNode recommend(String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("/recommend"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void servesTheRunsModelWithIdentifiersAndLogProbabilities() throws Exception {
        JsonNode body = recommend("{\"history\": [\"50\", \"172\", \"181\"], \"k\": 5}");
        JsonNode items = body.get("items");
        assertEquals(5, items.size());
        Set<String> seen = new HashSet<>();
        double previous = 0;
        for (int i = 0; i < items.size(); i++) {
            JsonNode it = items.get(i);
            assertTrue(seen.add(it.get("item").asText()), "distinct items");
            int dense = served.catalog().indexOf(it.get("item").asText()).getAsInt();
            assertEquals(served.catalog().get(dense).identifier(), it.get("identifier").asText());
            // sequential ids of 1,349 items: 4 digits, <a_d><b_d><c_d><d_d>
            assertTrue(it.get("identifier").asText().matches("<a_\\d><b_\\d><c_\\d><d_\\d>"), it.get("identifier").asText());
            double score = it.get("score").asDouble();
            assertTrue(score < 0, "a log-probability");
            assertTrue(i == 0 || score <= previous + 1e-6, "descending");
            previous = score;
        }
        // the beam (5) bounds the items one request gets
        assertEquals(5, recommend("{\"history\": [\"50\"], \"k\": 50}").get("items").size());
    }

    @Test
    void cutsToTheRunsHistoryLengthAndDescribesTheRun() throws Exception {
        StringBuilder h = new StringBuilder();
        String[] ids = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"};
        for (String id : ids) {
            h.append(h.length() == 0 ? "" : ",").append('"').append(id).append('"');
        }
        JsonNode body = recommend("{\"history\": [" + h + "], \"k\": 3}");
        assertTrue(body.get("truncated").asBoolean());
        JsonNode info = JSON.readTree(HTTP.send(HttpRequest.newBuilder(server.uri().resolve("/info")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        JsonNode rec = info.get("recommender");
        assertEquals("generative", rec.get("kind").asText());
        assertEquals("tiny", rec.get("run").asText());
        assertEquals("sid", rec.get("identifiers").asText());
        assertEquals(5, rec.get("beam").asInt());
        assertEquals(16, rec.get("modelConfig").get("d_model").asInt());
        assertEquals(10, info.get("maxHistory").asInt());
        assertEquals(1349, info.get("items").asInt());
        assertFalse(info.get("dataset").get("fingerprint").asText().isEmpty());
    }

    @Test
    void missingRunIsAUserError() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = SiitCli.execute(new String[] {"serve", "--run", "nope", "--runs-root", root.toString(), "--port", "0"},
                new java.io.PrintWriter(new java.io.StringWriter(), true), new java.io.PrintWriter(err, true));
        assertEquals(2, code);
        assertTrue(err.toString().contains("nope"), err.toString());
    }
}
