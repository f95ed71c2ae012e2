package dev.siit.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    Path root;

    record TinyConfig(String model, int layers, double lr) {
    }

    @Test
    void writesAndReadsJsonArtifactsAtomically() throws IOException {
        RunDirectory run = RunDirectory.open(root, "ml100k-tiger");
        assertEquals(root.resolve("ml100k-tiger").toAbsolutePath(), run.path());
        assertFalse(Files.exists(run.path()), "created only by the first write");
        run.writeJson("ids/index.json", Map.of("1", List.of("<a_1>", "<b_2>")));
        JsonNode n = run.readJson("ids/index.json");
        assertEquals("<b_2>", n.get("1").get(1).asText());
        TinyConfig back;
        run.writeJson("config.json", new TinyConfig("t5-small", 4, 1e-3));
        back = run.readJson("config.json", TinyConfig.class);
        assertEquals(new TinyConfig("t5-small", 4, 1e-3), back);
        try (var files = Files.walk(run.path())) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void rejectsBadNamesAndPathsLeavingTheFolder() {
        assertThrows(InputException.class, () -> RunDirectory.open(root, "../escape"));
        assertThrows(InputException.class, () -> RunDirectory.open(root, "a/b"));
        assertThrows(InputException.class, () -> RunDirectory.open(root, ""));
        RunDirectory run = RunDirectory.open(root, "r1");
        assertThrows(IllegalArgumentException.class, () -> run.resolve("../r2/x.json"));
        assertThrows(IllegalArgumentException.class, () -> run.resolve("/etc/passwd"));
        assertEquals(run.path().resolve("a/b.json"), run.resolve("a/./b.json"));
    }

    @Test
    void hashIgnoresMapOrderButNotValues() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("x", 1);
        a.put("y", List.of(1, 2));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("y", List.of(1, 2));
        b.put("x", 1);
        assertEquals(RunDirectory.hash(a, "fp", 7), RunDirectory.hash(b, "fp", 7));
        assertNotEquals(RunDirectory.hash(a, "fp", 7), RunDirectory.hash(a, "fp", 8));
        assertNotEquals(RunDirectory.hash(a, "fp", 7), RunDirectory.hash(a, "fp2", 7));
        assertEquals(RunDirectory.hash(new TinyConfig("m", 2, 0.1)), RunDirectory.hash(new TinyConfig("m", 2, 0.1)));
        assertTrue(RunDirectory.hash(a).startsWith("sha256:"));
    }

    @Test
    void finishedStepIsReusedUntilKeyOrArtifactsChange() throws IOException {
        RunDirectory run = RunDirectory.open(root, "r");
        List<String> ran = new ArrayList<>();
        Runnable body = () -> {
            ran.add("x");
            run.writeString("out/a.txt", "artifact " + ran.size());
        };
        String k1 = RunDirectory.hash(new TinyConfig("m", 2, 0.1), "sha256:data");
        assertFalse(run.stepDone("embed", k1));
        assertTrue(run.step("embed", k1, List.of("out/a.txt"), body));
        assertTrue(run.stepDone("embed", k1));
        // same key: reused, body not run again
        assertFalse(run.step("embed", k1, List.of("out/a.txt"), body));
        assertEquals(1, ran.size());
        // another config: rerun
        String k2 = RunDirectory.hash(new TinyConfig("m", 3, 0.1), "sha256:data");
        assertFalse(run.stepDone("embed", k2));
        assertTrue(run.step("embed", k2, List.of("out/a.txt"), body));
        assertEquals("artifact 2", Files.readString(run.resolve("out/a.txt")));
        // artifact deleted: rerun
        Files.delete(run.resolve("out/a.txt"));
        assertFalse(run.stepDone("embed", k2));
        assertTrue(run.step("embed", k2, List.of("out/a.txt"), body));
        assertEquals(3, ran.size());
        // a step that claims an artifact it did not write is a bug, not a finished step
        assertThrows(IllegalStateException.class, () -> run.step("bad", k1, List.of("missing.bin"), () -> { }));
        assertFalse(run.stepDone("bad", k1));
        // a failing body leaves no done-record
        assertThrows(RuntimeException.class, () -> run.step("boom", k1, List.of(), () -> {
            throw new RuntimeException("crash");
        }));
        assertFalse(run.stepDone("boom", k1));
        String log = Files.readString(run.logFile());
        assertTrue(log.contains("step embed: reusing out/a.txt"), log);
    }

    @Test
    void stepRecordWithUnknownVersionIsRejected() throws IOException {
        RunDirectory run = RunDirectory.open(root, "r");
        Files.createDirectories(run.resolve("steps"));
        Files.writeString(run.resolve("steps/train.json"),
                "{\"version\": 99, \"step\": \"train\", \"key\": \"k\", \"artifacts\": [], \"finishedAt\": \"x\"}");
        InputException e = assertThrows(InputException.class, () -> run.stepDone("train", "k"));
        assertTrue(e.getMessage().contains("step record version 99 is not supported"), e.getMessage());
    }

    @Test
    void configAndProvenanceFiles() {
        RunDirectory run = RunDirectory.open(root, "r");
        TinyConfig cfg = new TinyConfig("t5", 4, 0.001);
        String h = run.writeConfig(cfg);
        assertEquals(RunDirectory.hash(cfg), h);
        Provenance.recordCommandLine(new String[] {"train", "--name", "my run"});
        run.writeProvenance(Provenance.capture(h, "sha256:data", 2024L));
        Provenance p = run.readJson("provenance.json", Provenance.class);
        assertEquals(Provenance.VERSION, p.version());
        assertEquals(h, p.configHash());
        assertEquals(2024L, p.seed());
        assertEquals("siit train --name 'my run'", p.commandLine());
        assertEquals("0.36.0", p.libraries().get("ai.djl:api"));
        assertEquals("2.7.1", p.libraries().get("pytorch"));
        assertEquals(NumericEnvironment.current(), p.numerics());
        assertEquals(cfg, run.readJson("config.json", TinyConfig.class));
    }

    @Test
    void gitCommitIsRecordedInACheckout() throws Exception {
        // surefire runs in the project folder, a git checkout (worktree) of siit
        Process p = new ProcessBuilder("git", "rev-parse", "HEAD").start();
        String head = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor());
        assertEquals(head, Provenance.capture(null, null, null).gitCommit());
    }
}
