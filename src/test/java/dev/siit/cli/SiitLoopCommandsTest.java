package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to the SIIT commands: one sentence naming the file or field, exit code 2, nothing run. */
class SiitLoopCommandsTest {

    @TempDir
    Path dir;

    private String[] run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SiitCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(expectedExit, code, "out: " + out + " err: " + err);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void siitRejectsAMissingConfig() {
        String err = run(2, "siit", "--config", dir.resolve("nope.yaml").toString(), "--runs", dir.toString())[1];
        assertTrue(err.contains("nope.yaml") && err.contains("does not exist"), err);
    }

    @Test
    void siitRejectsAnUnknownFieldAndABadOverride() throws IOException {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "dataset: x\nwarmup: 3\n");
        String err = run(2, "siit", "--config", cfg.toString(), "--runs", dir.toString())[1];
        assertTrue(err.contains("c.yaml") && err.contains("warmup"), err);
        Files.writeString(cfg, "dataset: x\n");
        err = run(2, "siit", "--config", cfg.toString(), "--set", "iterations=-1", "--runs", dir.toString())[1];
        assertTrue(err.contains("iterations"), err);
        err = run(2, "siit", "--config", cfg.toString(), "--set", "iterations", "--runs", dir.toString())[1];
        assertTrue(err.contains("KEY=VALUE"), err);
        assertTrue(!Files.exists(dir.resolve("cid-siit-seed42")), "no run folder for a refused config");
    }

    @Test
    void experimentRejectsABadGrid() throws IOException {
        Path cfg = dir.resolve("e.yaml");
        Files.writeString(cfg, "name: e\ninitializers: [cid, sid]\nseeds: [1]\n");
        String err = run(2, "experiment", "--config", cfg.toString(), "--dir", dir.toString())[1];
        assertTrue(err.contains("e.yaml") && err.contains("initializers"), err);
    }

    @Test
    void quickstartNeedsAMovieLensFolder() {
        String err = run(2, "quickstart", "--data", dir.toString(), "--dir", dir.toString())[1];
        assertTrue(err.contains("u.data"), err);
    }

    @Test
    void overridesAreTyped() {
        assertEquals(Map.of("iterations", 2L, "learning_rate", 0.001, "refine", false, "assignment", "optimal"),
                SiitRunCommand.parseOverrides(java.util.List.of("iterations=2", "learning_rate=0.001", "refine=false",
                        "assignment=optimal")));
    }
}
