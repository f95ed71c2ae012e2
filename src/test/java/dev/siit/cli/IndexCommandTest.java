package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.ids.IndexFile;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.run.Provenance;
import dev.siit.run.RunDirectory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexCommandTest {
    static final Path SHARED = Path.of(System.getProperty("siit.shared.data", "../shared/data"));

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream old = System.out;
        ByteArrayOutputStream sysout = new ByteArrayOutputStream();
        System.setOut(new PrintStream(sysout, true));
        try {
            int code = SiitCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Run(code, out + sysout.toString(), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void sidOnMovieLensWritesIndexAndStatsWithProvenance() throws Exception {
        Path out = dir.resolve("ml/sid.index.json");
        Run r = run("index", "--method", "sid", "--data", SHARED.resolve("ml-100k").toString(), "--out", out.toString(),
                "--seed", "3");
        assertEquals(0, r.code(), r.err());
        InteractionDataset data = DatasetLoader.load(SHARED.resolve("ml-100k"), null, 5);
        ItemIdentifiers ids = IndexFile.read(out, data);
        assertEquals(1349, ids.numItems());
        assertTrue(ids.unique());
        JsonNode stats = new ObjectMapper().readTree(dir.resolve("ml/index-stats.json").toFile());
        assertEquals("siit-index-stats/2", stats.get("format").asText());
        assertEquals("sid", stats.get("method").asText());
        assertEquals("suffix", stats.get("collisions").asText());
        assertEquals(3, stats.get("seed").asLong());
        assertEquals(1001, stats.get("config").get("start").asInt());
        assertEquals(data.fingerprint(), stats.get("dataFingerprint").asText());
        // 1349 items numbered 1001..2349: first digit 1 or 2, then three digit levels
        assertEquals("[2,10,10,10]", stats.get("stats").get("codesUsed").toString());
        assertEquals(0, stats.get("stats").get("collidingItems").asInt());
        // full provenance, as every artifact records it
        JsonNode prov = stats.get("provenance");
        assertEquals(Provenance.VERSION, prov.get("version").asInt());
        assertEquals(3, prov.get("seed").asLong());
        assertEquals(data.fingerprint(), prov.get("dataFingerprint").asText());
        assertEquals("siit index --method sid --data " + SHARED.resolve("ml-100k") + " --out " + out + " --seed 3",
                prov.get("commandLine").asText());
        assertEquals(RunDirectory.hash("sid", "suffix", java.util.Map.of("start", 1001)),
                prov.get("configHash").asText());
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD").start(); // surefire runs in the checkout
        String head = new String(git.getInputStream().readAllBytes()).strip();
        assertEquals(0, git.waitFor());
        assertEquals(head, prov.get("gitCommit").asText());
        assertTrue(prov.get("gitDirty").isBoolean(), prov.toString());
        assertEquals("0.36.0", prov.get("libraries").get("ai.djl:api").asText());
        assertEquals("2.7.1", prov.get("libraries").get("pytorch").asText());
        assertTrue(prov.get("javaVersion").asText().startsWith(System.getProperty("java.version")), prov.toString());
    }

    @Test
    void configHashSeparatesMethodsAndCollisionModes() throws Exception {
        Path a = dir.resolve("a/x.index.json");
        Path b = dir.resolve("b/x.index.json");
        String ml = SHARED.resolve("ml-100k").toString();
        assertEquals(0, run("index", "--method", "iid", "--data", ml, "--out", a.toString()).code());
        assertEquals(0, run("index", "--method", "iid", "--collisions", "none", "--data", ml, "--out", b.toString()).code());
        JsonNode pa = new ObjectMapper().readTree(dir.resolve("a/index-stats.json").toFile()).get("provenance");
        JsonNode pb = new ObjectMapper().readTree(dir.resolve("b/index-stats.json").toFile()).get("provenance");
        assertEquals(RunDirectory.hash("iid", "suffix", java.util.Map.of()), pa.get("configHash").asText());
        assertEquals(RunDirectory.hash("iid", "none", java.util.Map.of()), pb.get("configHash").asText());
        assertFalse(pa.get("configHash").asText().equals(pb.get("configHash").asText()));
    }

    /** A refusal: exit 2, one line "error: ..." naming the problem, and nothing written. */
    private void assertRefused(Run r, Path folder, String expected) throws Exception {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().contains(expected), r.err());
        try (var files = Files.list(folder)) {
            assertEquals(List.of(), files.toList(), "nothing written");
        }
    }

    @Test
    void textMethodsRefuseInstrumentsWithExitTwo() throws Exception {
        String ins = SHARED.resolve("amazon/Instruments").toString();
        for (String m : new String[] {"tid", "tiger", "letter"}) {
            Path folder = Files.createDirectories(dir.resolve(m));
            Path out = folder.resolve("ins.index.json");
            assertRefused(run("index", "--method", m, "--data", ins, "--out", out.toString()), folder,
                    m.toUpperCase() + " needs item titles, but 9922 of 9922 items of dataset Instruments have none");
        }
        // placeholder titles are for a few missing titles, not for a dataset without text (one
        // method suffices: the three share TrainingItems.withPlaceholderTitles, and loading
        // Instruments is the slow part of this test)
        Path folder = dir.resolve("letter");
        assertRefused(run("index", "--method", "letter", "--placeholder-titles", "--data", ins,
                "--out", folder.resolve("ins.index.json").toString()),
                folder, "9922 of 9922 items of dataset Instruments have none: too many for placeholder titles");
    }

    @Test
    void textMethodsRefuseTheMovieLensItemWithoutTitleUnlessAskedTo() throws Exception {
        String ml = SHARED.resolve("ml-100k").toString();
        for (String m : new String[] {"tid", "tiger", "letter"}) {
            Path folder = Files.createDirectories(dir.resolve(m));
            assertRefused(run("index", "--method", m, "--data", ml, "--out", folder.resolve("ml.index.json").toString()),
                    folder, "1 of 1349 items of dataset ml-100k have none (--placeholder-titles");
        }
    }

    @Test
    void letterRefusesMissingOrForeignCollaborativeEmbeddingsBeforeAnyWork() throws Exception {
        String ml = SHARED.resolve("ml-100k").toString();
        Path folder = Files.createDirectories(dir.resolve("letter"));
        String out = folder.resolve("ml.index.json").toString();
        assertRefused(run("index", "--method", "letter", "--placeholder-titles", "--data", ml, "--out", out), folder,
                "LETTER with alpha > 0 needs collaborative item embeddings: pass --cf-embeddings");
        // embeddings of another dataset (an id ml-100k does not have) are refused before MiniLM runs
        Path cf = Files.createDirectories(dir.resolve("cf")).resolve("other.json");
        Files.writeString(cf, "{\"items\": [\"1\", \"B00ABC\"], \"embeddings\": [[1, 2], [3, 4]]}");
        long t0 = System.nanoTime();
        assertRefused(run("index", "--method", "letter", "--placeholder-titles", "--cf-embeddings", cf.toString(),
                "--data", ml, "--out", out), folder, "item id \"B00ABC\" (row 1) is not an item of the dataset");
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "refused before embedding 1349 texts");
        // TIGER and LETTER without the text cache they were pointed at compute it; a cache of other
        // items is refused like foreign collaborative embeddings
        Path text = dir.resolve("cf/text.json");
        Files.writeString(text, "{\"items\": [\"B00ABC\"], \"embeddings\": [[1, 2]]}");
        assertRefused(run("index", "--method", "tiger", "--placeholder-titles", "--text-embeddings", text.toString(),
                "--data", ml, "--out", out), folder, "item id \"B00ABC\" (row 0) is not an item of the dataset");
    }

    @Test
    void statsOfTheLetterInstrumentsIndex() throws Exception {
        Run r = run("index", "stats", SHARED.resolve("amazon/Instruments/Instruments.index.json").toString(),
                "--data", SHARED.resolve("amazon/Instruments").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode s = new ObjectMapper().readTree(r.out().substring(r.out().indexOf('{')));
        assertEquals("[150,256,256,256]", s.get("codesUsed").toString());
        assertEquals(48, s.get("collidingItems").asInt());
        assertEquals(4, s.get("levels").asInt());
    }

    @Test
    void importWithSuffixResolvesLetterCollisionsAndBadOptionsExitTwo() throws Exception {
        Path out = dir.resolve("imp.index.json");
        Run r = run("index", "--method", "import", "--from",
                SHARED.resolve("amazon/Instruments/Instruments.index.json").toString(),
                "--data", SHARED.resolve("amazon/Instruments").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode stats = new ObjectMapper().readTree(dir.resolve("index-stats.json").toFile());
        assertEquals(48, stats.get("rawStats").get("collidingItems").asInt());
        assertEquals(0, stats.get("stats").get("collidingItems").asInt());
        assertEquals(5, stats.get("stats").get("levels").asInt());
        assertEquals(2, run("index", "--method", "sid", "--collisions", "maybe", "--data",
                SHARED.resolve("ml-100k").toString(), "--out", out.toString()).code());
        Run sk = run("index", "--method", "sid", "--collisions", "sinkhorn", "--data",
                SHARED.resolve("ml-100k").toString(), "--out", dir.resolve("sk.index.json").toString());
        assertEquals(2, sk.code());
        assertTrue(sk.err().contains("sinkhorn"), sk.err());
        assertEquals(2, run("index", "--method", "nope", "--data", SHARED.resolve("ml-100k").toString(),
                "--out", out.toString()).code());
    }
}
