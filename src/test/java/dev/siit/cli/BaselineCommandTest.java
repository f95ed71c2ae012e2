package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.io.NpyMatrix;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineCommandTest {

    /** 12 users over 8 items in LETTER JSON, each user walking 7 items forward. */
    private static Path writeTinyLetter(Path dir) throws Exception {
        StringBuilder sb = new StringBuilder("{");
        for (int u = 0; u < 12; u++) {
            sb.append(u == 0 ? "" : ",").append('"').append(u).append("\": [");
            for (int t = 0; t < 7; t++) {
                sb.append(t == 0 ? "" : ",").append(100 + (u + t) % 8);
            }
            sb.append(']');
        }
        Path data = dir.resolve("tiny");
        Files.createDirectories(data);
        Files.writeString(data.resolve("tiny.inter.json"), sb.append('}').toString());
        return data;
    }

    @Test
    void sasrecRunWritesMetricsPerUserValuesAndItemEmbeddings(@TempDir Path dir) throws Exception {
        Path data = writeTinyLetter(dir);
        Path cfg = dir.resolve("s.yaml");
        Files.writeString(cfg, "hiddenSize: 8\nnumHeads: 1\ninnerSize: 8\nmaxHistory: 5\nbatchSize: 4\n");
        StringWriter err = new StringWriter();
        int code = SiitCli.execute(new String[] {"baseline", "--model", "sasrec", "--data", data.toString(),
                "--run", "t", "--runs-dir", dir.resolve("runs").toString(), "--config", cfg.toString(),
                "--epochs", "2", "--seed", "3", "--quiet"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        Path out = dir.resolve("runs/t/sasrec");
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(1, metrics.get("formatVersion").asInt());
        assertEquals(12, metrics.get("users").asInt());
        assertTrue(metrics.get("test").has("ndcg@10"));
        double share = metrics.get("diagnostics").get("testHistoryShareAt10").asDouble(-1);
        assertTrue(share >= 0 && share <= 1, "history share " + share);
        assertTrue(metrics.get("diagnostics").get("testExcludingHistory").has("recall@10"));
        assertTrue(metrics.get("validation").has("recall@10"));
        assertEquals(3, metrics.get("provenance").get("seed").asInt());
        assertEquals(8, metrics.get("provenance").get("config").get("hiddenSize").asInt());
        assertTrue(metrics.get("provenance").get("dataFingerprint").asText().length() > 8);
        assertEquals(2, metrics.get("training").get("validationCurve").size());
        JsonNode perUser = new ObjectMapper().readTree(out.resolve("per-user-test.json").toFile());
        assertEquals(12, perUser.get("users").size());
        assertEquals(12, perUser.get("metrics").get("ndcg@10").size());
        NpyMatrix e = NpyMatrix.read(out.resolve("item-embeddings.npy"));
        assertEquals(8, e.rows());
        assertEquals(8, e.cols());
        JsonNode ids = new ObjectMapper().readTree(out.resolve("item-embeddings.items.json").toFile());
        assertEquals(8, ids.size());
        assertEquals("100", ids.get(0).asText()); // user 0 starts at original item 100
        assertTrue(Files.isRegularFile(out.resolve("checkpoint.bin")));
    }

    @Test
    void badInputExitsWithCode2AndOneSentence(@TempDir Path dir) throws Exception {
        Path data = writeTinyLetter(dir);
        StringWriter err = new StringWriter();
        int code = SiitCli.execute(new String[] {"baseline", "--model", "lstm", "--data", data.toString(),
                "--run", "t", "--runs-dir", dir.resolve("runs").toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("unknown model 'lstm'"), err.toString());
        assertTrue(Files.notExists(dir.resolve("runs/t")), "nothing half-written");
    }
}
