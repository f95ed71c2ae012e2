package dev.siit.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.io.InputException;
import dev.siit.run.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsReportTest {
    @TempDir
    Path dir;

    @Test
    void writesMetricsUsersAndProvenanceAndReadsThemBack() throws IOException {
        EvaluationResult r = new Evaluator(4, new int[] {1, 5}).evaluate(new int[] {2, 0}, new int[][] {{0, 3, 2, 1}, {0, 1, 2, 3}});
        Provenance p = Provenance.capture("sha256:cfg", "sha256:data", 42L);
        Path f = dir.resolve("metrics.json");
        MetricsReport.of(r, "test", p).write(f);

        JsonNode json = new ObjectMapper().readTree(f.toFile());
        assertEquals(1, json.get("version").asInt());
        assertEquals(2, json.get("users").asInt());
        assertEquals("test", json.get("split").asText());
        assertEquals(0.75, json.get("metrics").get("ndcg@5").asDouble(), 1e-12); // (0.5 + 1) / 2
        assertEquals(42, json.get("provenance").get("seed").asLong());
        assertEquals("sha256:data", json.get("provenance").get("dataFingerprint").asText());
        assertTrue(json.get("provenance").get("javaVersion").asText().startsWith(System.getProperty("java.version")));

        MetricsReport back = MetricsReport.read(f);
        assertEquals(r.metrics(), back.metrics());
        assertEquals(p, back.provenance());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void rejectsUnknownVersionAndMalformedFile() throws IOException {
        Path f = dir.resolve("metrics.json");
        Files.writeString(f, "{\"version\": 9, \"split\": \"test\", \"users\": 1, \"metrics\": {}, \"provenance\": null}");
        assertEquals(f + ": metrics version 9 is not supported (expected 1)",
                assertThrows(InputException.class, () -> MetricsReport.read(f)).getMessage());
        Files.writeString(f, "{\n\"version\": 1,\n\"users\": }");
        assertTrue(assertThrows(InputException.class, () -> MetricsReport.read(f)).getMessage()
                .startsWith(f + " line 3: malformed metrics JSON"));
    }
}
