package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.data.InteractionDataset;
import dev.siit.data.ItemText;
import dev.siit.ids.IndexFile;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.model.PromptTemplates;
import dev.siit.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One full SIIT loop (warm-up, 2 iterations, test) on a 12-item catalogue with a 1+1-layer T5. */
class SelfImprovingLoopTest {

    static final Path TOKENIZER = Path.of(System.getProperty("siit.shared.data", "../shared/data"), "t5-tokenizer");
    static final int UNTITLED = 11; // an item without text keeps its identifier
    static final String[] TITLES = {"Red Apple", "Green Apple", "Yellow Banana", "Ripe Banana", "Dark Chocolate",
            "Milk Chocolate", "White Bread", "Brown Bread", "Orange Juice", "Apple Juice", "Black Coffee", "Green Tea"};

    /** 16 users walking the catalogue in steps of 1 or 2 (a learnable next-item pattern). */
    static InteractionDataset tinyData() {
        int n = TITLES.length;
        List<String> itemIds = new ArrayList<>();
        List<ItemText> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            itemIds.add("i" + i);
            texts.add(i == UNTITLED ? null : new ItemText(TITLES[i], ""));
        }
        int users = 16;
        int[][] seqs = new int[users][];
        List<String> userIds = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            userIds.add("u" + u);
            int len = 6 + u % 3;
            seqs[u] = new int[len];
            for (int t = 0; t < len; t++) {
                seqs[u][t] = (u + t * (1 + u % 2)) % n;
            }
        }
        return new InteractionDataset("tiny", userIds, itemIds, seqs, texts, "tiny-fingerprint");
    }

    /** T0: <a_(i/4)><b_(i%4)>. */
    static ItemIdentifiers t0() {
        List<List<String>> ids = new ArrayList<>();
        for (int i = 0; i < TITLES.length; i++) {
            ids.add(List.of("<a_" + i / 4 + ">", "<b_" + i % 4 + ">"));
        }
        return new ItemIdentifiers(ids);
    }

    static SiitConfig tinyConfig() {
        return SiitConfig.defaults().with(Map.ofEntries(Map.entry("dataset", "in-memory"), Map.entry("model", "tiny"),
                Map.entry("warmup_epochs", 2), Map.entry("iterations", 2), Map.entry("align_epochs", 1),
                Map.entry("rec_epochs", 1), Map.entry("regeneration_beam", 4), Map.entry("test_beam", 10),
                Map.entry("batch_size", 16), Map.entry("learning_rate", 0.01), Map.entry("validate_every_epochs", 0),
                Map.entry("seed", 3)), "test");
    }

    static float[][] embeddings() {
        float[][] e = new float[TITLES.length][];
        for (int i = 0; i < TITLES.length; i++) {
            e[i] = new float[] {i / 4 == 0 ? 1 : 0, i / 4 == 1 ? 1 : 0, i / 4 == 2 ? 1 : 0, 0.1f * (i % 4)};
        }
        return e;
    }

    /** The paper's loop (no collapse guard): the tiny model's regenerations are always applied. */
    static SiitConfig paperConfig() {
        return tinyConfig().with(Map.of("max_regeneration_collision_rate", 1.0), "test");
    }

    @Test
    void fullLoopRunsEndToEndAndResumes(@TempDir Path dir) throws IOException {
        InteractionDataset data = tinyData();
        RunDirectory run = RunDirectory.open(dir, "tiny-siit");
        SelfImprovingLoop loop = new SelfImprovingLoop(paperConfig(), run, data, PromptTemplates.load("product"),
                TOKENIZER, embeddings()).progress(false);
        SelfImprovingLoop.Outcome out = loop.run(t0());

        assertTrue(out.chosenIteration() == 1 || out.chosenIteration() == 2, "chosen " + out.chosenIteration());
        double r10 = out.test().get("recall@10");
        assertTrue(r10 >= 0 && r10 <= 1);
        assertTrue(out.test().get("ndcg@10") <= r10 + 1e-12);
        assertEquals(3, out.validation().size());
        assertEquals(List.of(2), out.validation().get(0).epochs()); // validated at the end of each stage
        assertEquals(List.of(3), out.validation().get(1).epochs());
        assertEquals(List.of(4), out.validation().get(2).epochs());
        for (int i = 1; i <= 2; i++) {
            ItemIdentifiers ti = IndexFile.read(run.resolve("index-iter" + i + ".json"), data);
            assertTrue(ti.unique(), "collision avoidance leaves every identifier unique");
            assertEquals(t0().of(UNTITLED), IdentifierAdjustment.baseTokens(ti.of(UNTITLED), 2));
            for (int item = 0; item < UNTITLED; item++) {
                assertTrue(!IdentifierAdjustment.baseTokens(ti.of(item), 2).equals(t0().of(UNTITLED)),
                        "the untitled item's identifier is reserved");
            }
            for (List<String> id : ti.tokens()) {
                assertEquals(0, CodeToken.levelOf(id.get(0)));
                assertEquals(1, CodeToken.levelOf(id.get(1)));
                assertTrue(id.size() == 2 || (id.size() == 3 && CodeToken.levelOf(id.get(2)) == 2), id.toString());
            }
            SelfImprovingLoop.IterationSummary s = out.iterations().get(i);
            assertTrue(s.refined());
            assertTrue(s.accepted(), "max_regeneration_collision_rate 1.0 never rejects: " + s.decision());
            assertTrue(s.selfRecall() >= 0 && s.selfRecall() <= 1);
            assertTrue(s.collisionRate() >= 0 && s.collisionRate() <= 1);
            assertEquals(s.collisionRate() > 0, s.collisionGroups() > 0);
            assertTrue(Double.isFinite(s.semanticSimilarity()));
            for (String f : List.of("candidates-iter" + i + ".json", "changes-iter" + i + ".json",
                    "stages/align-iter" + i + "/final.bin", "stages/rec-iter" + i + "/final.bin")) {
                assertTrue(Files.isRegularFile(run.resolve(f)), f);
            }
        }
        // every candidate list holds at most beam = 4 identifiers
        assertTrue(run.readJson("candidates-iter1.json").get(0).get("candidates").size() <= 4);
        assertEquals(TITLES.length - 1, run.readJson("candidates-iter1.json").size()); // titled items only

        // a second run reuses every step: nothing is retrained
        FileTime before = Files.getLastModifiedTime(run.resolve("stages/rec-iter2/final.bin"));
        SelfImprovingLoop.Outcome again = new SelfImprovingLoop(paperConfig(), run, data, PromptTemplates.load("product"),
                TOKENIZER, embeddings()).progress(false).run(t0());
        assertEquals(out.test(), again.test());
        assertEquals(before, Files.getLastModifiedTime(run.resolve("stages/rec-iter2/final.bin")));

        // the baseline (same seed, refine: false) keeps T0 and reuses the warm-up instead of retraining it
        SiitConfig baseConfig = paperConfig().with(Map.of("refine", false, "iterations", 1), "test");
        RunDirectory baseRun = RunDirectory.open(dir, "tiny-base");
        SelfImprovingLoop.Outcome base = new SelfImprovingLoop(baseConfig, baseRun, data, PromptTemplates.load("product"),
                TOKENIZER, embeddings()).progress(false).reuseWarmupFrom(run).run(t0());
        assertEquals(1, base.chosenIteration());
        assertEquals(t0(), IndexFile.read(baseRun.resolve("index-iter1.json"), data));
        assertTrue(!Files.exists(baseRun.resolve("stages/align-iter1")));
        assertTrue(!Files.exists(baseRun.resolve("stages/rec-iter0/checkpoint")), "warm-up was copied, not trained");
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(run.resolve("stages/rec-iter0/final.bin")),
                Files.readAllBytes(baseRun.resolve("stages/rec-iter0/final.bin"))));
        assertEquals(out.validation().get(0), base.validation().get(0));
    }

    @Test
    void reducedTrainingKeepsEachUsersLastPositions(@TempDir Path dir) {
        InteractionDataset data = tinyData();
        SiitConfig c = tinyConfig().with(Map.of("max_examples_per_user", 2), "test");
        SelfImprovingLoop loop = new SelfImprovingLoop(c, RunDirectory.open(dir, "r"), data,
                PromptTemplates.load("product"), TOKENIZER, null);
        List<dev.siit.data.Example> ex = loop.trainingExamples();
        assertEquals(16 * 2, ex.size());
        // user 0: sequence of 6 items, training part 0..3 -> examples for positions 1..3; the last two
        // predict positions 2 and 3
        int[] s0 = data.sequences()[0];
        assertEquals(s0[2], ex.get(0).target());
        assertEquals(s0[3], ex.get(1).target());
        assertEquals(0, ex.get(0).user());
    }

    @Test
    void armsThatDifferOnlyAfterTheWarmUpShareIt(@TempDir Path dir) {
        InteractionDataset data = tinyData();
        RunDirectory run = RunDirectory.open(dir, "k");
        java.util.function.Function<SiitConfig, String> key = c -> new SelfImprovingLoop(c, run, data,
                PromptTemplates.load("product"), TOKENIZER, null).warmupKey(t0());
        String siit = key.apply(tinyConfig());
        assertEquals(siit, key.apply(tinyConfig().with(Map.of("refine", false, "iterations", 5), "t")));
        assertEquals(siit, key.apply(tinyConfig().with(Map.of("regeneration_decoding", "greedy",
                "collision_avoidance", false, "assignment", "optimal", "align_epochs", 7), "t")));
        assertTrue(!siit.equals(key.apply(tinyConfig().with(Map.of("warmup_epochs", 3), "t"))));
        assertTrue(!siit.equals(key.apply(tinyConfig().with(Map.of("seed", 4), "t"))));
    }
}
