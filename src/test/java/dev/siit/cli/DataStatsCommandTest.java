package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code siit data stats} end to end through {@link SiitCli#execute}, including every bad-input case. */
class DataStatsCommandTest {
    static final Path SHARED = Path.of(System.getProperty("siit.shared.data", "../shared/data"));

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SiitCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void movieLensJson() throws IOException {
        Result r = run("data", "stats", "--source", SHARED.resolve("ml-100k").toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.out().strip().lines().count(), "one JSON object on one line");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(943, j.get("users").asInt());
        assertEquals(1349, j.get("items").asInt());
        assertEquals(99_287, j.get("interactions").asLong());
        assertEquals("movielens", j.get("format").asText());
        assertEquals(99_287 / 943.0, j.get("meanSequenceLength").asDouble(), 1e-9);
        assertEquals(1 - 99_287 / (943.0 * 1349), j.get("sparsity").asDouble(), 1e-12);
        // leave-one-out: every user of a 5-core has >= 3 items, so sum(len - 3) training examples
        assertEquals(99_287 - 3 * 943, j.get("trainExamples").asInt());
        assertEquals(943, j.get("validExamples").asInt());
        assertEquals(943, j.get("testExamples").asInt());
    }

    @Test
    void instrumentsTable() {
        Result r = run("data", "stats", "--source", SHARED.resolve("amazon/Instruments").toString(), "--quiet");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("users             24,772"), r.out());
        assertTrue(r.out().contains("items             9,922"), r.out());
        assertTrue(r.out().contains("interactions      206,153"), r.out());
        assertTrue(r.out().contains("mean 8.32, min 5, max 218"), r.out());
        assertTrue(r.out().contains("train 131,837, validation 24,772, test 24,772"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void quietSwitchWorksBeforeAndAfterTheSubcommand() throws IOException {
        Path f = tmp.resolve("tiny.csv");
        Files.writeString(f, "user,item,timestamp\nu1,a,1\nu1,b,2\nu1,c,3\n");
        String src = f.toString();
        assertEquals(0, run("--quiet", "data", "stats", "--source", src, "--kcore", "0", "--json").exit());
        assertTrue(dev.siit.io.Progress.isQuiet());
        assertEquals(0, run("data", "stats", "--source", src, "--kcore", "0", "--json").exit());
        assertEquals(dev.siit.io.Progress.defaultQuiet(), dev.siit.io.Progress.isQuiet(), "reset per invocation; CI=true keeps it on");
        assertEquals(0, run("data", "stats", "--quiet", "--source", src, "--kcore", "0", "--json").exit());
        assertTrue(dev.siit.io.Progress.isQuiet());
    }

    @Test
    void csvStatsCountedByHand() throws IOException {
        Path f = tmp.resolve("tiny.csv");
        // u1: 4 items, u2: 3 items, u3: 1 item -> 8 interactions over 4 items
        Files.writeString(f, "user,item,timestamp\nu1,a,1\nu1,b,2\nu1,c,3\nu1,d,4\nu2,a,1\nu2,b,1\nu2,c,1\nu3,a,9\n");
        Result r = run("data", "stats", "--source", f.toString(), "--kcore", "0", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(3, j.get("users").asInt());
        assertEquals(4, j.get("items").asInt());
        assertEquals(8, j.get("interactions").asInt());
        assertEquals(1, j.get("minSequenceLength").asInt());
        assertEquals(4, j.get("maxSequenceLength").asInt());
        assertEquals(1 - 8 / 12.0, j.get("sparsity").asDouble(), 1e-12);
        // train parts: u1 [a, b] -> 1 example, u2 [a] -> 0, u3 (1 item, all training) -> 0
        assertEquals(1, j.get("trainExamples").asInt());
        assertEquals(2, j.get("testExamples").asInt());
    }

    @Test
    void helpEverywhere() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"data", "--help"},
                new String[] {"data", "stats", "--help"})) {
            Result r = run(args);
            assertEquals(0, r.exit());
            assertTrue(r.out().startsWith("Usage: siit"), r.out());
        }
        assertTrue(run("data", "stats", "--help").out().contains("--kcore"));
    }

    // ---- bad input: exit 2, one line on stderr, no stack trace, nothing written ----

    private void assertUserError(String expectedStart, String... args) throws IOException {
        List<Path> before = listing();
        boolean runsBefore = Files.exists(Path.of("runs"));
        Result r = run(args);
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: " + expectedStart), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertEquals(before, listing(), "nothing written next to the input");
        assertEquals(runsBefore, Files.exists(Path.of("runs")), "no run folder created");
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.sorted().toList();
        }
    }

    @Test
    void missingSource() throws IOException {
        Path nope = tmp.resolve("nope");
        assertUserError("no such file or folder: " + nope, "data", "stats", "--source", nope.toString());
        assertUserError("no such file: " + tmp.resolve("u.data"),
                "data", "stats", "--source", tmp.toString(), "--format", "movielens");
    }

    @Test
    void malformedJsonLine() throws IOException {
        Path f = tmp.resolve("Bad.inter.json");
        Files.writeString(f, "{\n  \"1\": [1, 2, 3],\n  \"2\": [4, 5,, 6]\n}\n");
        assertUserError(f + " line 3: malformed JSON", "data", "stats", "--source", tmp.toString());
    }

    @Test
    void malformedCsvLine() throws IOException {
        Path f = tmp.resolve("interactions.csv");
        Files.writeString(f, "user,item,timestamp\nu1,a,1\nu1,b,2\nu1,c\n");
        assertUserError(f + " line 4: expected 3 fields", "data", "stats", "--source", tmp.toString());
        Files.writeString(f, "user,item,timestamp\nu1,a,1\nu1,b,2pm\n");
        assertUserError(f + " line 3: timestamp '2pm' is not a whole number",
                "data", "stats", "--source", f.toString(), "--format", "csv");
    }

    @Test
    void malformedMovieLensLine() throws IOException {
        Files.writeString(tmp.resolve("u.data"), "1\t2\t5\t881250949\n1\t3\t4\n");
        Files.writeString(tmp.resolve("u.item"), "2|GoldenEye (1995)|01-Jan-1995||http://x|0|1\n");
        assertUserError(tmp.resolve("u.data") + " line 2: expected 4 tab-separated fields",
                "data", "stats", "--source", tmp.toString());
    }

    @Test
    void emptyAfterFiltering() throws IOException {
        Path f = tmp.resolve("small.csv");
        Files.writeString(f, "user,item,timestamp\nu1,a,1\nu1,b,2\nu2,a,3\n");
        assertUserError("dataset " + f + " is empty after 5-core filtering", "data", "stats", "--source", f.toString());
        Path empty = tmp.resolve("empty.csv");
        Files.writeString(empty, "user,item,timestamp\n");
        assertUserError("no interactions in " + empty, "data", "stats", "--source", empty.toString(), "--kcore", "0");
    }

    @Test
    void unknownFormat() throws IOException {
        assertUserError("unknown dataset format 'parquet': use movielens, letter or csv",
                "data", "stats", "--source", tmp.toString(), "--format", "parquet");
        Files.writeString(tmp.resolve("notes.txt"), "hello");
        assertUserError("cannot tell the format of " + tmp, "data", "stats", "--source", tmp.toString());
    }

    @Test
    void badOptionValues() throws IOException {
        assertUserError("k-core must be >= 0", "data", "stats", "--source", tmp.toString(), "--kcore", "-1");
        assertUserError("Invalid value for option '--kcore'", "data", "stats", "--source", tmp.toString(), "--kcore", "five");
        assertUserError("Missing required option: '--source=PATH'", "data", "stats");
        assertUserError("Unknown option: '--frobnicate'", "data", "stats", "--source", tmp.toString(), "--frobnicate");
    }
}
