package dev.siit.selfimprove;

import static dev.siit.selfimprove.SelfImprovingLoopTest.TOKENIZER;
import static dev.siit.selfimprove.SelfImprovingLoopTest.UNTITLED;
import static dev.siit.selfimprove.SelfImprovingLoopTest.t0;
import static dev.siit.selfimprove.SelfImprovingLoopTest.tinyConfig;
import static dev.siit.selfimprove.SelfImprovingLoopTest.tinyData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.data.InteractionDataset;
import dev.siit.ids.IndexFile;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.model.PromptTemplates;
import dev.siit.report.ExperimentReport;
import dev.siit.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collapse guard inside the loop, on the 12-item fixture of {@link SelfImprovingLoopTest} with
 * stub regenerations in place of beam search: a collapsing one is rejected (T1 = T0, the recommender
 * trains exactly like the baseline), a healthy one is accepted.
 */
class SelfImprovingLoopGuardTest {

    static SelfImprovingLoop loop(SiitConfig c, RunDirectory run, InteractionDataset data) {
        return new SelfImprovingLoop(c, run, data, PromptTemplates.load("product"), TOKENIZER, null).progress(false);
    }

    /** Every titled item proposes the same single identifier: the collapse seen on MovieLens-100K. */
    static List<List<Candidate>> collapsed(int iteration, int[] titled) {
        List<List<Candidate>> out = new ArrayList<>();
        for (int k = 0; k < titled.length; k++) {
            out.add(List.of(new Candidate(List.of("<a_0>", "<b_0>"), -0.5)));
        }
        return out;
    }

    /** Items 0-1, 2-3, ..., 8-9 propose each other's identifier first, item 10 its own. */
    static List<List<Candidate>> swapped(int iteration, int[] titled) {
        List<List<Candidate>> out = new ArrayList<>();
        for (int item : titled) {
            out.add(item == 10 ? List.of(new Candidate(t0().of(item), -0.1))
                    : List.of(new Candidate(t0().of(item ^ 1), -0.1), new Candidate(t0().of(item), -1.0)));
        }
        return out;
    }

    @Test
    void collapsedRegenerationIsRejectedAndTrainingContinuesWithThePreviousIdentifiers(@TempDir Path dir)
            throws IOException {
        InteractionDataset data = tinyData();
        // alignment: at least 1 epoch, then until greedy self-recall 100% (out of reach) or 3 epochs
        SiitConfig c = tinyConfig().with(Map.of("iterations", 1, "align_max_epochs", 3, "align_target_self_recall", 1.0),
                "test");
        assertEquals(0.2, c.maxRegenerationCollisionRate()); // the default guard
        RunDirectory run = RunDirectory.open(dir, "collapse");
        SelfImprovingLoop.Outcome out = loop(c, run, data).regenerateWith(SelfImprovingLoopGuardTest::collapsed).run(t0());

        SelfImprovingLoop.IterationSummary s = out.iterations().get(1);
        // item 0 takes <a_0><b_0>, the 10 other titled items fall back to it: 11 of 12 items collide
        assertEquals(11 / 12.0, s.collisionRate(), 1e-12);
        assertEquals(10, s.fallbacks());
        assertEquals(1 / 11.0, s.selfRecall(), 1e-12); // only item 0's top candidate is its own identifier
        assertFalse(s.accepted());
        String expected = "iteration 1 rejected: 91.7% of regenerated identifiers collided before collision avoidance "
                + "(10 fallbacks; max 20.0%); T_1 = T_0";
        assertTrue(s.decision().startsWith(expected), s.decision());
        assertTrue(Files.readString(run.logFile()).contains(expected), "the run log records the rejection");

        assertEquals(t0(), IndexFile.read(run.resolve("index-iter1.json"), data));
        assertEquals(Files.readAllLines(run.resolve("item-tokens-iter0.txt")),
                Files.readAllLines(run.resolve("item-tokens-iter1.txt")));
        assertEquals(0, run.readJson("changes-iter1.json").size());
        ItemIdentifiers proposal = IndexFile.read(run.resolve("rejected-index-iter1.json"), data);
        assertEquals(List.of("<a_0>", "<b_0>", "<c_0>"), proposal.of(0)); // kept for inspection, with its suffix

        // the alignment ran to its maximum unless the target was reached; the stop rule holds epoch by epoch
        SelfImprovingLoop.AlignmentLog align = run.readJson("align-iter1.json", SelfImprovingLoop.AlignmentLog.class);
        assertEquals(align.epochsRun(), align.selfRecall().size(), "greedy self-recall measured after every epoch");
        for (int e = 0; e < align.epochsRun() - 1; e++) {
            assertTrue(align.selfRecall().get(e) < 1.0, "stopped late at epoch " + (e + 1));
        }
        assertTrue(align.epochsRun() == 3 || align.reachedTarget());
        assertEquals(align.epochsRun(), s.alignEpochs());
        assertEquals(align.finalSelfRecall(), s.alignSelfRecall());

        // the baseline with the same seed: same warm-up, T1 = T0 -> bit-identical recommender M1
        RunDirectory baseRun = RunDirectory.open(dir, "base");
        SelfImprovingLoop.Outcome base = loop(c.with(Map.of("refine", false), "test"), baseRun, data)
                .reuseWarmupFrom(run).run(t0());
        assertArrayEquals(Files.readAllBytes(baseRun.resolve("stages/rec-iter1/final.bin")),
                Files.readAllBytes(run.resolve("stages/rec-iter1/final.bin")));
        assertEquals(base.test(), out.test());

        ExperimentConfig.Run id = new ExperimentConfig.Run("cid-siit-seed3", "cid", "siit", 3, c);
        List<String> decisions = ExperimentReport.decisions(List.of(new ExperimentRunner.RunResult(id, out, Map.of())));
        assertEquals(1, decisions.size());
        assertTrue(decisions.get(0).startsWith("cid-siit-seed3: " + expected), decisions.get(0));
        assertTrue(decisions.get(0).contains("SIIT changed nothing in this run"), decisions.get(0));
    }

    @Test
    void healthyRegenerationIsAcceptedAndThePapersSettingNeverRejects(@TempDir Path dir) throws IOException {
        InteractionDataset data = tinyData();
        SiitConfig c = tinyConfig().with(Map.of("iterations", 1), "test");
        RunDirectory run = RunDirectory.open(dir, "healthy");
        SelfImprovingLoop.Outcome out = loop(c, run, data).regenerateWith(SelfImprovingLoopGuardTest::swapped).run(t0());
        SelfImprovingLoop.IterationSummary s = out.iterations().get(1);
        assertEquals(0.0, s.collisionRate());
        assertTrue(s.accepted(), s.decision());
        assertTrue(s.decision().startsWith("iteration 1 accepted: 0.0% of regenerated identifiers collided"), s.decision());
        assertEquals(1 / 11.0, s.selfRecall(), 1e-12); // only item 10 proposes its own identifier first
        assertEquals(10 / 12.0, s.adjustmentRatio(), 1e-12);
        assertEquals(0, s.alignEpochs() - 1); // exactly align_epochs (1): no target
        assertTrue(Double.isNaN(s.alignSelfRecall()));
        ItemIdentifiers t1 = IndexFile.read(run.resolve("index-iter1.json"), data);
        assertEquals(t0().of(1), t1.of(0));
        assertEquals(t0().of(0), t1.of(1));
        assertEquals(t0().of(10), t1.of(10));
        assertEquals(t0().of(UNTITLED), t1.of(UNTITLED));
        assertEquals(10, run.readJson("changes-iter1.json").size());
        assertFalse(Files.exists(run.resolve("rejected-index-iter1.json")));
        assertTrue(ExperimentReport.decisions(List.of(new ExperimentRunner.RunResult(
                new ExperimentConfig.Run("x", "cid", "siit", 3, c), out, Map.of()))).isEmpty());

        // the same proposal has no collision, but only 1 of 11 titled items keeps its identifier:
        // a self-recall minimum of 50% rejects it (T1 = T0), the collision rule alone did not
        RunDirectory strict = RunDirectory.open(dir, "strict");
        SelfImprovingLoop.Outcome r = loop(c.with(Map.of("min_regeneration_self_recall", 0.5), "test"), strict, data)
                .reuseWarmupFrom(run).regenerateWith(SelfImprovingLoopGuardTest::swapped).run(t0());
        SelfImprovingLoop.IterationSummary rs = r.iterations().get(1);
        assertFalse(rs.accepted());
        assertEquals("iteration 1 rejected: self-recall of the aligned model 9.1% (min 50.0%); T_1 = T_0, "
                + "recommendation training continues with the previous identifiers", rs.decision());
        assertEquals(t0(), IndexFile.read(strict.resolve("index-iter1.json"), data));
        assertEquals(0, strict.readJson("changes-iter1.json").size());
        // both alignment tasks (paper): 2 examples for each of the 11 titled items
        assertTrue(Files.readString(strict.logFile()).contains("alignment training done (22 examples x 1 epochs"));

        // align_tasks item-to-identifier: only the task regeneration decodes, 1 example per titled item
        RunDirectory oneTask = RunDirectory.open(dir, "one-task");
        loop(c.with(Map.of("align_tasks", "item-to-identifier", "align_dropout", 0.0), "test"), oneTask, data)
                .reuseWarmupFrom(run).regenerateWith(SelfImprovingLoopGuardTest::swapped).run(t0());
        assertTrue(Files.readString(oneTask.logFile()).contains("alignment training done (11 examples x 1 epochs"),
                Files.readString(oneTask.logFile()));

        // the collapse, with the paper's loop (max 1.0): accepted, identifiers suffixed apart
        RunDirectory paper = RunDirectory.open(dir, "paper");
        SelfImprovingLoop.Outcome p = loop(c.with(Map.of("max_regeneration_collision_rate", 1.0), "test"), paper, data)
                .reuseWarmupFrom(run).regenerateWith(SelfImprovingLoopGuardTest::collapsed).run(t0());
        assertTrue(p.iterations().get(1).accepted());
        ItemIdentifiers collapsedIds = IndexFile.read(paper.resolve("index-iter1.json"), data);
        assertTrue(collapsedIds.unique());
        assertEquals(List.of("<a_0>", "<b_0>", "<c_0>"), collapsedIds.of(0));
    }
}
