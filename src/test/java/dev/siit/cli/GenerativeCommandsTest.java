package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train -> eval -> recommend on a tiny MovieLens-format fixture, and the user errors. */
class GenerativeCommandsTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SiitCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** 8 users x 7 movies, each user watches all in a rotated order: 5-core keeps everything. */
    private Path fixture() throws Exception {
        Path ml = dir.resolve("ml");
        Files.createDirectories(ml);
        StringBuilder data = new StringBuilder();
        for (int u = 1; u <= 8; u++) {
            for (int t = 0; t < 7; t++) {
                int item = 1 + (u + t) % 7;
                data.append(u).append('\t').append(item).append("\t4\t").append(1000 * u + t).append('\n');
            }
        }
        Files.writeString(ml.resolve("u.data"), data.toString());
        StringBuilder items = new StringBuilder();
        for (int i = 1; i <= 7; i++) {
            items.append(i).append("|Movie ").append(i).append(" (1995)|01-Jan-1995||http://x|0|1\n");
        }
        Files.writeString(ml.resolve("u.item"), items.toString());
        Files.writeString(ml.resolve("u.genre"), "unknown|0\nAction|1\n");
        return ml;
    }

    @Test
    void trainEvalRecommendOnATinyDataset() throws Exception {
        Path ml = fixture();
        Path model = dir.resolve("tiny.json");
        Files.writeString(model, "{\"vocab_size\": 32100, \"d_model\": 16, \"d_kv\": 4, \"d_ff\": 32, \"num_layers\": 1, "
                + "\"num_heads\": 2, \"feed_forward_proj\": \"relu\", \"dropout_rate\": 0.1}");
        String runs = dir.resolve("runs").toString();
        String tokenizer = Path.of(System.getProperty("siit.shared.data"), "t5-tokenizer").toString();
        Result t = run("train", "--data", ml.toString(), "--ids", "sid", "--model-config", model.toString(),
                "--tokenizer", tokenizer, "--epochs", "2", "--batch-size", "8", "--warmup-steps", "1", "--runs", runs,
                "--run", "tiny", "-q");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("8 users, 7 items"), t.out());
        Path run = dir.resolve("runs/tiny");
        assertTrue(Files.isRegularFile(run.resolve("run.json")));
        assertTrue(Files.isRegularFile(run.resolve("best/model.safetensors")));
        assertTrue(Files.isRegularFile(run.resolve("checkpoint/epoch-0002/optimizer.bin")));

        Result again = run("train", "--data", ml.toString(), "--ids", "sid", "--runs", runs, "--run", "tiny");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("--resume"), again.err());

        Result e = run("eval", "--runs", runs, "--run", "tiny", "--split", "test");
        assertEquals(0, e.code(), e.err());
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("eval/test/metrics.json").toFile());
        assertEquals(8, metrics.get("users").asInt());
        // 7 items, beam 20: every ranked list holds all 7 items, so Recall@10 is 1 whatever the model
        assertEquals(1.0, metrics.get("metrics").get("recall@10").asDouble(), 1e-9);
        double ndcg5 = metrics.get("metrics").get("ndcg@5").asDouble();
        assertTrue(ndcg5 >= 0 && ndcg5 <= 1);

        Result r = run("recommend", "--runs", runs, "--run", "tiny", "--history", "1,2,3", "--k", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Movie "), r.out());
        assertEquals(3, r.out().lines().filter(l -> l.matches("^[123] .*")).count(), r.out());

        Result bad = run("recommend", "--runs", runs, "--run", "tiny", "--history", "1,999");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("999"), bad.err());
        Result missing = run("eval", "--runs", runs, "--run", "nope");
        assertEquals(2, missing.code());
        assertFalse(missing.err().contains("Exception"), missing.err());
    }
}
