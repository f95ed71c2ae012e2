package dev.siit.selfimprove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiitConfigTest {

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void missingKeysTakeThePapersValues() throws IOException {
        SiitConfig c = SiitConfig.load(write("a.yaml", "dataset: data/ml-100k\niterations: 2\nassignment: optimal\n"));
        assertEquals("data/ml-100k", c.dataset());
        assertEquals(2, c.iterations());
        assertEquals(AssignmentStrategy.OPTIMAL, c.assignmentStrategy());
        assertEquals(20, c.warmupEpochs());
        assertEquals(10, c.recEpochs());
        assertEquals(20, c.regenerationBeam());
        assertEquals(1e-3, c.learningRate());
        assertEquals(256, c.batchSize());
        assertTrue(c.collisionAvoidance());
        assertEquals("beam", c.regenerationDecoding());
    }

    @Test
    void yamlRoundTrip() {
        SiitConfig c = SiitConfig.defaults().with(Map.of("seed", 7, "regeneration_decoding", "greedy"), "test");
        assertEquals(7, c.seed());
        assertEquals(1, c.effectiveRegenerationBeam());
        SiitConfig back = SiitConfig.fromTree(readYaml(c.toYaml()), SiitConfig.defaults(), "round trip");
        assertEquals(c, back);
        assertFalse(c.toYaml().contains("assignment_strategy"));
    }

    private static com.fasterxml.jackson.databind.JsonNode readYaml(String s) {
        try {
            return SiitConfig.YAML.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badInputNamesTheFileAndField() throws IOException {
        Path unknown = write("u.yaml", "dataset: x\nwarmup_epoch: 3\n");
        InputException e = assertThrows(InputException.class, () -> SiitConfig.load(unknown));
        assertTrue(e.getMessage().contains("u.yaml") && e.getMessage().contains("warmup_epoch"), e.getMessage());

        Path range = write("r.yaml", "rec_epochs: 0\n");
        e = assertThrows(InputException.class, () -> SiitConfig.load(range));
        assertTrue(e.getMessage().contains("r.yaml") && e.getMessage().contains("'rec_epochs' must be >= 1"), e.getMessage());

        Path type = write("t.yaml", "batch_size: many\n");
        e = assertThrows(InputException.class, () -> SiitConfig.load(type));
        assertTrue(e.getMessage().contains("t.yaml") && e.getMessage().contains("batch_size"), e.getMessage());

        Path strategy = write("s.yaml", "assignment: best\n");
        e = assertThrows(InputException.class, () -> SiitConfig.load(strategy));
        assertTrue(e.getMessage().contains("assignment"), e.getMessage());

        Path file = write("f.yaml", "initializer: file\n");
        e = assertThrows(InputException.class, () -> SiitConfig.load(file));
        assertTrue(e.getMessage().contains("index_file"), e.getMessage());

        assertThrows(InputException.class, () -> SiitConfig.load(dir.resolve("missing.yaml")));
    }

    @Test
    void guardSettingsHaveDefaultsAndAreValidatedAtLoad() throws IOException {
        SiitConfig d = SiitConfig.load(write("d.yaml", "dataset: x\n"));
        assertEquals(0.2, d.maxRegenerationCollisionRate());
        assertEquals(0.0, d.minRegenerationSelfRecall());
        assertEquals(-1.0, d.alignDropout());
        assertEquals("both", d.alignTasks());
        assertTrue(d.alignsIdentifierToItem());
        assertFalse(d.with(java.util.Map.of("align_tasks", "item-to-identifier"), "test").alignsIdentifierToItem());
        assertEquals(d.t5Config(100), d.alignT5Config(100)); // -1: the backbone's own dropout
        assertEquals(0, d.alignMaxEpochs());
        assertFalse(d.adaptiveAlignment());
        assertEquals(5, d.alignEpochBudget());
        assertEquals(1e-3, d.effectiveAlignLearningRate());
        assertEquals(256, d.effectiveAlignBatchSize());

        SiitConfig g = SiitConfig.load(write("g.yaml", "align_epochs: 2\nalign_max_epochs: 12\n"
                + "align_target_self_recall: 0.8\nalign_learning_rate: 0.01\nalign_batch_size: 32\n"
                + "max_regeneration_collision_rate: 1.0\nmin_regeneration_self_recall: 0.25\n"));
        assertEquals(0.25, g.minRegenerationSelfRecall());
        SiitConfig nd = g.with(java.util.Map.of("align_dropout", 0.0, "model", "small"), "test");
        assertEquals(0.1, nd.t5Config(100).dropoutRate()); // recommendation keeps the backbone's rate
        assertEquals(0.0, nd.alignT5Config(100).dropoutRate());
        assertEquals(nd.t5Config(100).withDropoutRate(0.0), nd.alignT5Config(100));
        assertTrue(g.toYaml().contains("min_regeneration_self_recall: 0.25"), g.toYaml());
        assertEquals(32, g.effectiveAlignBatchSize());
        assertTrue(g.adaptiveAlignment());
        assertEquals(12, g.alignEpochBudget());
        assertEquals(0.01, g.effectiveAlignLearningRate());
        assertTrue(g.toYaml().contains("max_regeneration_collision_rate: 1.0"), g.toYaml());
        assertTrue(g.toYaml().contains("align_target_self_recall: 0.8"), g.toYaml());

        String[][] bad = {
                {"align_max_epochs: 3\nalign_epochs: 5\n", "'align_max_epochs' must be 0 (exactly align_epochs) or >= align_epochs (5), got 3"},
                {"align_target_self_recall: 1.5\n", "'align_target_self_recall' must be in [0, 1]"},
                {"align_epochs: 2\nalign_max_epochs: 10\n", "'align_target_self_recall' must be > 0 when align_max_epochs (10) exceeds align_epochs (2)"},
                {"align_learning_rate: -0.1\n", "'align_learning_rate' must be >= 0"},
                {"align_batch_size: -1\n", "'align_batch_size' must be >= 0"},
                {"max_regeneration_collision_rate: 1.2\n", "'max_regeneration_collision_rate' must be in [0, 1]"},
                {"max_regeneration_collision_rate: -0.01\n", "'max_regeneration_collision_rate' must be in [0, 1]"},
                {"align_tasks: identifier-to-item\n", "'align_tasks' must be both (the paper) or item-to-identifier, got identifier-to-item"},
                {"align_dropout: 1.0\n", "'align_dropout' must be -1 (the backbone's dropout) or in [0, 1), got 1.0"},
                {"align_dropout: -0.5\n", "'align_dropout' must be -1"},
                {"min_regeneration_self_recall: 1.5\n", "'min_regeneration_self_recall' must be in [0, 1]"},
                {"min_regeneration_self_recall: -0.2\n", "'min_regeneration_self_recall' must be in [0, 1]"},
                {"align_max_epochs: lots\n", "align_max_epochs"}};
        for (String[] b : bad) {
            Path p = write("bad-guard.yaml", b[0]);
            InputException e = assertThrows(InputException.class, () -> SiitConfig.load(p), b[0]);
            assertTrue(e.getMessage().contains("bad-guard.yaml") && e.getMessage().contains(b[1]), e.getMessage());
        }
    }

    @Test
    void initializerInputsAreValidatedAtLoad() throws IOException {
        SiitConfig d = SiitConfig.load(write("init.yaml", "initializer: tiger\n"));
        assertFalse(d.placeholderTitles());
        assertEquals(null, d.cfEmbeddings());

        Path noCf = write("letter.yaml", "initializer: letter\n");
        InputException e = assertThrows(InputException.class, () -> SiitConfig.load(noCf));
        assertTrue(e.getMessage().contains("letter.yaml") && e.getMessage().contains("'cf_embeddings' is required when "
                + "initializer is letter"), e.getMessage());

        SiitConfig l = SiitConfig.load(write("letter.yaml", "initializer: letter\ncf_embeddings: runs/x/sasrec/item-embeddings.npy\n"
                + "placeholder_titles: true\n"));
        assertTrue(l.placeholderTitles());
        assertEquals("runs/x/sasrec/item-embeddings.npy", l.cfEmbeddings());
        assertTrue(l.toYaml().contains("cf_embeddings: \"runs/x/sasrec/item-embeddings.npy\"")
                || l.toYaml().contains("cf_embeddings: runs/x/sasrec/item-embeddings.npy"), l.toYaml());
        assertEquals(l, SiitConfig.fromTree(SiitConfig.YAML.readTree(l.toYaml()), SiitConfig.defaults(), "round trip"));
    }

    @Test
    void alignedExperimentConfigLoadsWithTheMeasuredAlignmentSettings() {
        // configs/ml100k-aligned.yaml (surefire runs in the project folder)
        ExperimentConfig e = ExperimentConfig.load(Path.of("configs/ml100k-aligned.yaml"));
        List<ExperimentConfig.Run> runs = e.runs();
        assertEquals(6, runs.size()); // cid x {base, +SIIT} x 3 seeds
        SiitConfig c = runs.stream().filter(r -> r.config().refine()).findFirst().orElseThrow().config();
        assertEquals(0.001, c.effectiveAlignLearningRate());
        assertEquals(32, c.effectiveAlignBatchSize());
        assertEquals(0.0, c.alignT5Config(100).dropoutRate());
        assertEquals(0.1, c.t5Config(100).dropoutRate());
        assertEquals(60, c.alignEpochBudget());
        assertEquals(0.3, c.minRegenerationSelfRecall());
    }

    @Test
    void everyExperimentConfigInTheProjectLoads() throws IOException {
        // the committed run and experiment configs (top level of configs/); experiments are named after their file
        List<Path> files;
        try (var list = java.nio.file.Files.list(Path.of("configs"))) {
            files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 7, files.toString());
        for (Path f : files) {
            if (!java.nio.file.Files.readString(f).contains("\nsiit:")) {
                SiitConfig.load(f); // a single run's settings (bin/siit siit --config)
                continue;
            }
            ExperimentConfig e = ExperimentConfig.load(f);
            assertEquals(f.getFileName().toString().replace(".yaml", ""), e.name(), f.toString());
            assertFalse(e.runs().isEmpty(), f.toString());
        }
        SiitConfig letter = ExperimentConfig.load(Path.of("configs/ml100k-aligned-letter.yaml")).runs().get(0).config();
        assertEquals("letter", letter.initializer());
        assertTrue(letter.placeholderTitles());
        assertEquals("runs/ml100k/sasrec/item-embeddings.npy", letter.cfEmbeddings());
        assertEquals(10, ExperimentConfig.load(Path.of("configs/ml100k-aligned-rec10.yaml")).runs().get(0).config().recEpochs());
    }

    @Test
    void quickstartResourceLoadsWithTheGuard() throws IOException {
        try (var in = SiitConfigTest.class.getResourceAsStream("/dev/siit/selfimprove/quickstart.yaml")) {
            Path p = write("quickstart.yaml", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            SiitConfig c = ExperimentConfig.load(p).runs().get(1).config();
            assertTrue(c.refine());
            assertEquals(0.2, c.maxRegenerationCollisionRate());
            assertEquals(0.3, c.minRegenerationSelfRecall());
            assertEquals(0.0, c.alignT5Config(100).dropoutRate());
            assertTrue(c.adaptiveAlignment());
            assertEquals(5, c.alignEpochs());
            assertEquals(50, c.alignEpochBudget()); // room for the 31-37 epochs alignment needed (docs/results.md)
            assertEquals(0.6, c.alignTargetSelfRecall());
            assertEquals(4, c.recEpochs());
        }
    }

    @Test
    void alignSweepRaisesAGuardedMaximumToTheSweptMinimum() throws IOException {
        Path p = write("sweep.yaml", """
                name: s
                siit: {dataset: d, align_epochs: 2, align_max_epochs: 6, align_target_self_recall: 0.9}
                initializers: [cid]
                seeds: [1]
                align_epochs_sweep: [2, 10]
                """);
        ExperimentConfig.Run r = ExperimentConfig.load(p).runs().stream().filter(x -> x.id().equals("cid-siit-align10-seed1"))
                .findFirst().orElseThrow();
        assertEquals(10, r.config().alignEpochs());
        assertEquals(10, r.config().alignMaxEpochs());
    }

    @Test
    void experimentGridCoversInitializersMethodsAndSeeds() throws IOException {
        Path p = write("e.yaml", """
                version: 1
                name: grid
                siit: {dataset: d, iterations: 2, align_epochs: 3}
                initializers: [cid, tiger]
                seeds: [1, 2, 3]
                variants:
                  - {name: greedy, set: {regeneration_decoding: greedy}}
                  - {name: no-ca, set: {collision_avoidance: false}}
                align_epochs_sweep: [1, 3, 6]
                """);
        ExperimentConfig e = ExperimentConfig.load(p);
        List<ExperimentConfig.Run> runs = e.runs();
        // per (initializer, seed): base, siit, greedy, no-ca, align1, align6 (3 = the siit run)
        assertEquals(2 * 3 * 6, runs.size());
        assertEquals(runs.size(), runs.stream().map(ExperimentConfig.Run::id).distinct().count());
        ExperimentConfig.Run first = runs.get(0);
        assertEquals("cid-base-seed1", first.id());
        assertFalse(first.config().refine());
        assertEquals(1, first.config().seed());
        ExperimentConfig.Run greedy = runs.stream().filter(r -> r.id().equals("tiger-greedy-seed2")).findFirst().orElseThrow();
        assertEquals("greedy", greedy.config().regenerationDecoding());
        assertEquals("tiger", greedy.config().initializer());
        assertTrue(greedy.config().refine());
        ExperimentConfig.Run sweep = runs.stream().filter(r -> r.id().equals("cid-siit-align6-seed3")).findFirst().orElseThrow();
        assertEquals(6, sweep.config().alignEpochs());
        assertEquals(2, sweep.config().iterations());
    }

    @Test
    void experimentRejectsBadVariantsAtLoad() throws IOException {
        Path p = write("bad.yaml", """
                name: g
                initializers: [cid]
                seeds: [1]
                variants: [{name: x, set: {regeneration_decoding: sampled}}]
                """);
        InputException e = assertThrows(InputException.class, () -> ExperimentConfig.load(p));
        assertTrue(e.getMessage().contains("variant x") && e.getMessage().contains("regeneration_decoding"), e.getMessage());
        Path q = write("bad2.yaml", "name: g\ninitializers: [cid]\nseeds: [1, 1]\n");
        e = assertThrows(InputException.class, () -> ExperimentConfig.load(q));
        assertTrue(e.getMessage().contains("seeds"), e.getMessage());
    }
}
