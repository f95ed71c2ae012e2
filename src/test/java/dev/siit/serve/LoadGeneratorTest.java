package dev.siit.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    @Test
    void nearestRankPercentiles() {
        long[] ms = new long[100];
        for (int i = 0; i < 100; i++) {
            ms[i] = (i + 1) * 1_000_000L; // 1..100 ms
        }
        assertEquals(50.0, LoadGenerator.percentile(ms, 50));
        assertEquals(95.0, LoadGenerator.percentile(ms, 95));
        assertEquals(99.0, LoadGenerator.percentile(ms, 99));
        assertEquals(100.0, LoadGenerator.percentile(ms, 100));
        assertEquals(7.0, LoadGenerator.percentile(new long[] {7_000_000L}, 99));
    }

    @Test
    void onlyLoopbackTargets() {
        LoadGenerator.requireLoopback(URI.create("http://127.0.0.1:8080/"));
        LoadGenerator.requireLoopback(URI.create("http://localhost:8080/"));
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.requireLoopback(URI.create("http://10.1.2.3:8080/")));
        assertThrows(IllegalArgumentException.class, () -> LoadGenerator.run(URI.create("http://10.1.2.3:8080/"),
                List.of("{}"), 1, 1, Duration.ofSeconds(1), 0));
    }

    @Test
    void countsEveryRequestAndItsStatus() throws Exception {
        try (RecommendationServer s = RecommendationServer.start(ServeFixtures.catalog(), ServeFixtures.recommender(),
                Map.of(), RecommendationServer.Settings.defaults("127.0.0.1", 0))) {
            // one good and one bad body (unknown item -> 400), alternating per client
            List<String> bodies = List.of("{\"history\": [\"10\"], \"k\": 2}", "{\"history\": [\"99\"]}");
            LoadGenerator.Result r = LoadGenerator.run(s.uri(), bodies, 2, 40, Duration.ofSeconds(30), 1);
            assertEquals(40, r.requests());
            assertEquals(40, r.statusCounts().values().stream().mapToInt(Integer::intValue).sum());
            // client 0 sends bodies 0, 2, 4.. -> index 0 (good); client 1 sends 1, 3, .. -> index 1 (bad)
            assertTrue(r.statusCounts().getOrDefault(200, 0) > 0 && r.statusCounts().getOrDefault(400, 0) > 0, r.statusCounts().toString());
            assertEquals(r.statusCounts().get(400).intValue(), r.errors());
            assertTrue(r.p50Millis() <= r.p95Millis() && r.p95Millis() <= r.p99Millis() && r.p99Millis() <= r.maxMillis());
        }
    }
}
