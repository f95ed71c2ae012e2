package dev.siit.selfimprove;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.siit.data.Example;
import dev.siit.data.InteractionDataset;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.eval.EvaluationResult;
import dev.siit.ids.IdentifierStats;
import dev.siit.ids.IndexFile;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.io.InputException;
import dev.siit.io.PhaseTimer;
import dev.siit.model.ItemTokenizer;
import dev.siit.model.PrefixTrie;
import dev.siit.model.PromptTemplates;
import dev.siit.model.T5Model;
import dev.siit.run.RunDirectory;
import dev.siit.train.Checkpoints;
import dev.siit.train.ExampleSource;
import dev.siit.train.GenerativeRecommender;
import dev.siit.train.ParameterFile;
import dev.siit.train.SequentialRecommendationSource;
import dev.siit.train.TemplatePromptEncoder;
import dev.siit.train.TrainConfig;
import dev.siit.train.TrainState;
import dev.siit.train.Trainer;
import dev.siit.train.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SIIT, Algorithm 1 of the paper, as resumable steps in a run directory:
 *
 * <pre>
 * iter0-index      T0 -> index-iter0.json, stats-iter0.json, item-tokens-iter0.txt
 * iter0-rec        warm-up: recommendation training with T0 -> M0 (stages/rec-iter0/final.bin)
 * for i = 1..n
 *   iter{i}-align       a COPY of M(i-1) trained on the alignment tasks -> M'(i-1) (stages/align-iter{i})
 *   iter{i}-regenerate  beam search under the per-level constraint with M'(i-1), diverse assignment,
 *                       collision avoidance -> T_i: candidates-iter{i}.json, index-iter{i}.json,
 *                       stats-iter{i}.json, changes-iter{i}.json, summary-iter{i}.json
 *   iter{i}-rec         M(i-1) (not M'), new tokens appended to its embeddings, trained with T_i -> M_i
 * test             the M_i with the best validation NDCG@10 (i in 1..n), trie-constrained beam
 *                  search on the test split -> test-metrics.json, test-per-user.json, outcome.json
 * </pre>
 *
 * The baseline ({@code refine: false}) runs the same schedule with T_i = T0, so both arms get the
 * same training budget and the same selection of n. Every step is skipped when its artifacts exist
 * with the same key; a training step killed midway resumes from its last epoch checkpoint.
 */
public final class SelfImprovingLoop {
    public static final int FORMAT_VERSION = 2; // 2: summaries carry self-recall and the acceptance decision
    static final int DECODE_BATCH = 64;
    static final int[] KS = {1, 5, 10, 20};

    private final SiitConfig config;
    private final RunDirectory run;
    private final InteractionDataset data;
    private final LeaveOneOutSplit split;
    private final PromptTemplates templates;
    private final Path tokenizerPath;
    private final float[][] embeddings;
    private final Device device;
    private final ParameterFile weights = new ParameterFile();
    private boolean progress = true;
    private RunDirectory warmupSource;
    private Regeneration regeneration = this::beamCandidates;
    static final String SELF_RECALL = "self_recall";

    /**
     * What one iteration did to the identifiers (summary-iter{i}.json). The regeneration fields
     * (collision rate .. semantic similarity) describe the identifiers regeneration PROPOSED; when
     * the guard rejected them ({@code accepted} false) T_i = T(i-1) and nothing changed.
     *
     * @param selfRecall      share of titled items whose top-1 regenerated identifier (beam) is
     *                        their identifier in T(i-1); NaN where nothing was regenerated
     * @param accepted        whether T_i is the regenerated proposal (true for iteration 0 and the
     *                        baseline, where nothing is proposed)
     * @param decision        the acceptance decision in one sentence
     * @param alignEpochs     alignment epochs M'(i-1) was trained for (0 where none ran)
     * @param alignSelfRecall greedy self-recall measured at the end of alignment (NaN when the
     *                        alignment ran a fixed number of epochs and did not measure it)
     */
    public record IterationSummary(int formatVersion, int iteration, boolean refined, int items, int levels,
                                   double collisionRate, int fallbacks, double totalScore, double topChoiceShare,
                                   double adjustmentRatio, double topOneAdjustmentRatio, int changed,
                                   int collisionGroups, int newTokens, double semanticSimilarity,
                                   double selfRecall, boolean accepted, String decision, int alignEpochs,
                                   double alignSelfRecall) {
    }

    /**
     * The alignment stage of one iteration (align-iter{i}.json): epochs run and, when alignment
     * runs until a self-recall target, the greedy self-recall after each epoch.
     */
    public record AlignmentLog(int formatVersion, int iteration, int minEpochs, int maxEpochs, double learningRate,
                               int batchSize, double targetSelfRecall, List<Integer> epochs, List<Double> loss,
                               List<Double> selfRecall, int epochsRun, boolean reachedTarget) {
        /** The last measured greedy self-recall, NaN when none was measured. */
        public double finalSelfRecall() {
            return selfRecall.isEmpty() ? Double.NaN : selfRecall.get(selfRecall.size() - 1);
        }
    }

    /**
     * Proposes ranked candidate identifiers (base levels) for the titled items of iteration i. The
     * loop's own is beam search with M'(i-1) under the {@link PerLevelConstraint}; tests pass a stub.
     */
    @FunctionalInterface
    interface Regeneration {
        List<List<Candidate>> candidates(int iteration, int[] titledItems);
    }

    /** Validation of one recommendation stage (valid-iter{i}.json): the curve and the final value. */
    public record StageValidation(int formatVersion, int iteration, int firstEpoch, List<Integer> epochs,
                                  List<Double> ndcg10, Map<String, Double> last) {
    }

    /** The run's result (outcome.json). */
    public record Outcome(int formatVersion, int chosenIteration, Map<String, Double> test,
                          List<StageValidation> validation, List<IterationSummary> iterations) {
    }

    /**
     * @param embeddings item text embeddings (n, d) for the semantic identifier similarity, or null
     *                   to skip it
     */
    public SelfImprovingLoop(SiitConfig config, RunDirectory run, InteractionDataset data, PromptTemplates templates,
                             Path tokenizerPath, float[][] embeddings) {
        this.config = config;
        this.run = run;
        this.data = data;
        this.split = LeaveOneOutSplit.of(data, config.maxHistory());
        this.templates = templates;
        this.tokenizerPath = tokenizerPath;
        this.embeddings = embeddings;
        this.device = config.device().startsWith("gpu")
                ? Device.gpu(config.device().contains(":") ? Integer.parseInt(config.device().substring(4)) : 0)
                : Device.cpu();
        if (config.refine() && config.iterations() > 0 && data.itemsWithTitle() == 0) {
            data.requireTitles("the SIIT alignment tasks"); // throws: no item has a title to align with
        }
    }

    public SelfImprovingLoop progress(boolean show) {
        this.progress = show;
        return this;
    }

    /** Replaces beam search with M'(i-1) by {@code r} (tests: a collapsing or a healthy stub). */
    SelfImprovingLoop regenerateWith(Regeneration r) {
        this.regeneration = r;
        return this;
    }

    /**
     * Reuses the warm-up (T0 and M0) of another run when it finished one with the same warm-up
     * settings: the arms of an experiment (base, +SIIT, ablations, the E_align sweep) with the same
     * initializer and seed share it instead of training it again.
     */
    public SelfImprovingLoop reuseWarmupFrom(RunDirectory other) {
        this.warmupSource = other;
        return this;
    }

    /** The settings the warm-up depends on; everything after it is normalised away. */
    String warmupKey(ItemIdentifiers t0) {
        Map<String, Object> normalised = new LinkedHashMap<>();
        for (Object[] kv : new Object[][] {{"iterations", 0}, {"align_epochs", 1}, {"rec_epochs", 1}, {"refine", true},
                {"regeneration_beam", 1}, {"regeneration_decoding", "beam"}, {"assignment", "paper"},
                {"collision_avoidance", true}, {"align_max_epochs", 0}, {"align_target_self_recall", 0.0},
                {"align_learning_rate", 0.0}, {"align_batch_size", 0}, {"align_dropout", -1.0}, {"align_tasks", "both"}, {"max_regeneration_collision_rate", 1.0},
                {"min_regeneration_self_recall", 0.0}}) {
            normalised.put((String) kv[0], kv[1]);
        }
        SiitConfig w = config.with(normalised, "warm-up key");
        return RunDirectory.hash(w.toYaml(), data.fingerprint(), t0.tokens(), embeddings != null, FORMAT_VERSION);
    }

    static final List<String> WARMUP_ARTIFACTS = List.of("index-iter0.json", "stats-iter0.json", tokensFile(0),
            "summary-iter0.json", finalWeights("rec-iter0"), "valid-iter0.json");

    private void copyWarmup(String warmKey) {
        if (warmupSource == null || warmupSource.path().equals(run.path())
                || !warmupSource.stepDone("iter0-index", warmKey) || !warmupSource.stepDone("iter0-rec", warmKey)
                || (run.stepDone("iter0-index", warmKey) && run.stepDone("iter0-rec", warmKey))) {
            return;
        }
        try {
            for (String a : WARMUP_ARTIFACTS) {
                Path to = run.resolve(a);
                Files.createDirectories(to.getParent());
                Files.copy(warmupSource.resolve(a), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the warm-up of " + warmupSource.path() + ": " + e.getMessage(), e);
        }
        run.markDone("iter0-index", warmKey, WARMUP_ARTIFACTS.subList(0, 4));
        run.markDone("iter0-rec", warmKey, WARMUP_ARTIFACTS.subList(4, 6));
        run.log("warm-up copied from " + warmupSource.path());
    }

    /** Runs (or resumes) every step and returns the outcome. */
    public Outcome run(ItemIdentifiers t0) {
        if (t0.numItems() != data.numItems()) {
            throw new InputException("the initial identifiers cover " + t0.numItems() + " items, the dataset has "
                    + data.numItems());
        }
        String key = RunDirectory.hash(config.toYaml(), data.fingerprint(), t0.tokens(), FORMAT_VERSION);
        int baseLevels = t0.maxLength();
        String warmKey = warmupKey(t0);
        copyWarmup(warmKey);

        run.step("iter0-index", warmKey, List.of("index-iter0.json", "stats-iter0.json", tokensFile(0), "summary-iter0.json"),
                () -> {
                    writeIndex(0, t0, new ArrayList<>(t0.vocabulary()));
                    run.writeJson("summary-iter0.json", new IterationSummary(FORMAT_VERSION, 0, false, t0.numItems(),
                            baseLevels, CollisionAvoidance.collisionRate(t0.tokens()), 0, 0, 1, 0, 0, 0,
                            t0.collisionGroups().size(), 0, similarity(t0, baseLevels), Double.NaN, true,
                            "initial identifiers T0 (" + config.initializer() + ")", 0, Double.NaN));
                });
        run.step("iter0-rec", warmKey, List.of(finalWeights("rec-iter0"), "valid-iter0.json"),
                () -> recommendationStage(0, null, config.warmupEpochs(), 0, warmKey));

        for (int i = 1; i <= config.iterations(); i++) {
            int it = i;
            if (config.refine()) {
                run.step("iter" + i + "-align", key, List.of(finalWeights("align-iter" + i), "align-iter" + i + ".json"),
                        () -> alignmentStage(it, key));
                run.step("iter" + i + "-regenerate", key, List.of("index-iter" + i + ".json", "stats-iter" + i + ".json",
                        tokensFile(i), "summary-iter" + i + ".json", "changes-iter" + i + ".json",
                        "candidates-iter" + i + ".json"), () -> regenerationStage(it, baseLevels));
            } else {
                run.step("iter" + i + "-index", key, List.of("index-iter" + i + ".json", "stats-iter" + i + ".json",
                        tokensFile(i), "summary-iter" + i + ".json"), () -> {
                    writeIndex(it, t0, readTokens(it - 1));
                    run.writeJson("summary-iter" + it + ".json", new IterationSummary(FORMAT_VERSION, it, false,
                            t0.numItems(), baseLevels, CollisionAvoidance.collisionRate(t0.tokens()), 0, 0, 1, 0, 0,
                            0, t0.collisionGroups().size(), 0, similarity(t0, baseLevels), Double.NaN, true,
                            "baseline (refine: false): T_" + it + " = T0", 0, Double.NaN));
                });
            }
            run.step("iter" + i + "-rec", key, List.of(finalWeights("rec-iter" + i), "valid-iter" + i + ".json"),
                    () -> recommendationStage(it, "rec-iter" + (it - 1), config.recEpochs(),
                            config.warmupEpochs() + (it - 1) * config.recEpochs(), key));
        }

        run.step("test", key, List.of("test-metrics.json", "test-per-user.json", "outcome.json"), this::testStage);
        return run.readJson("outcome.json", Outcome.class);
    }

    // ---- stages ----------------------------------------------------------------------------

    /** Trains M_i from M(i-1) (or from scratch for i = 0) with T_i; validates along the way. */
    private void recommendationStage(int i, String fromStage, int epochs, int epochOffset, String key) {
        Path stageDir = prepareStage("rec-iter" + i, key);
        ItemIdentifiers ids = readIndex(i);
        List<String> tokens = readTokens(i);
        try (PhaseTimer t = PhaseTimer.start("recommendation training, iteration " + i);
             ItemTokenizer tokenizer = ItemTokenizer.load(tokenizerPath, tokens);
             NDManager manager = NDManager.newBaseManager(device)) {
            T5Model model;
            if (fromStage == null) {
                model = T5Model.create(config.t5Config(tokenizer.vocabSize()), config.seed(), device);
            } else {
                model = loadModel(fromStage, readTokens(i - 1).size() + tokenizer.baseVocabSize());
                // new tokens (a new collision level) get fresh embedding rows; old ids keep theirs
                model.resizeTokenEmbeddings(tokenizer.vocabSize(), stageSeed("resize", i));
            }
            try (model) {
                int[][] idIds = identifierTokenIds(ids, tokenizer);
                TemplatePromptEncoder prompts = new TemplatePromptEncoder(templates, tokenizer, ids);
                List<Example> examples = trainingExamples();
                ExampleSource source = new SequentialRecommendationSource(examples, prompts, idIds, tokenizer.eosId());
                GenerativeRecommender rec = new GenerativeRecommender(model, new PrefixTrie(idIds, tokenizer.eosId()),
                        prompts, config.testBeam(), DECODE_BATCH, tokenizer.padId());
                Validator validator = rec.validator(split.validExamples(), data.numItems(), stageSeed("valid", 0),
                        config.validMaxUsers());
                TrainConfig tc = trainConfig(epochs, stageSeed("rec", i), examples.size());
                TrainState state;
                try (Trainer trainer = new Trainer(model, tc, manager, tokenizer.padId()).progress(progress)) {
                    state = trainer.fit(source, validator, new Checkpoints(stageDir, weights), true).state();
                }
                weights.save(model, run.resolve(finalWeights("rec-iter" + i)));
                tokenizer.saveItemTokens(stageDir);
                List<Integer> ep = new ArrayList<>();
                List<Double> nd = new ArrayList<>();
                Map<String, Double> last = Map.of();
                for (TrainState.EpochRecord r : state.history()) {
                    if (!r.metrics().isEmpty()) {
                        ep.add(epochOffset + r.epoch());
                        nd.add(r.metrics().get(Validator.SELECTION_METRIC));
                        last = r.metrics();
                    }
                }
                run.writeJson("valid-iter" + i + ".json", new StageValidation(FORMAT_VERSION, i, epochOffset + 1, ep, nd,
                        last));
                run.log(String.format("iteration %d: recommendation training done, validation NDCG@10 %.4f", i,
                        last.getOrDefault(Validator.SELECTION_METRIC, Double.NaN)));
            }
        }
    }

    /**
     * Trains a copy of M(i-1) on the two alignment tasks with T(i-1) -> M'(i-1): exactly
     * {@code align_epochs} epochs (paper), or, with {@code align_max_epochs}, at least
     * {@code align_epochs} and then until the greedy self-recall reaches
     * {@code align_target_self_recall} or the maximum. The learning-rate schedule spans the
     * maximum, so stopping early does not change the epochs before it.
     */
    private void alignmentStage(int i, String key) {
        Path stageDir = prepareStage("align-iter" + i, key);
        ItemIdentifiers ids = readIndex(i - 1);
        List<String> tokens = readTokens(i - 1);
        int budget = config.alignEpochBudget();
        try (PhaseTimer t = PhaseTimer.start("alignment training, iteration " + i);
             ItemTokenizer tokenizer = ItemTokenizer.load(tokenizerPath, tokens);
             NDManager manager = NDManager.newBaseManager(device);
             T5Model model = loadModel("rec-iter" + (i - 1), config.alignT5Config(tokenizer.vocabSize()))) {
            List<AlignmentTasks.Example> tasks = AlignmentTasks.of(templates).build(data, ids);
            if (!config.alignsIdentifierToItem()) {
                tasks = tasks.stream().filter(e -> e.task() == AlignmentTasks.Task.ITEM_TO_IDENTIFIER).toList();
            }
            AlignmentSource source = new AlignmentSource(tasks, tokenizer);
            TrainConfig tc = trainConfig(budget, stageSeed("align", i), source.size(), config.effectiveAlignLearningRate(),
                    config.effectiveAlignBatchSize(), config.adaptiveAlignment() ? 1 : budget);
            Validator selfRecall = null;
            if (config.adaptiveAlignment()) {
                // greedy (beam 1) Item-to-Identifier decoding of every titled item under the same
                // per-level constraint as regeneration: cheap, and it is the quantity that decides
                // whether regeneration can propose anything but a collapse
                ItemIdentifiers t0 = readIndex(0);
                int baseLevels = t0.maxLength();
                int[] titled = AlignmentTasks.itemsWithTitle(data);
                List<String> prompts = itemToIdentifierPrompts(titled);
                List<List<String>> current = new ArrayList<>(titled.length);
                for (int item : titled) {
                    current.add(IdentifierAdjustment.baseTokens(ids.of(item), baseLevels));
                }
                IdentifierRegenerator greedy = new IdentifierRegenerator(model, tokenizer,
                        PerLevelConstraint.forReference(t0.tokens(), tokens, tokenizer::itemId, tokenizer.eosId()), 1,
                        DECODE_BATCH);
                selfRecall = m -> Map.of(SELF_RECALL, SelfRecall.of(greedy.regenerate(m, prompts, false), current));
            }
            TrainState state;
            try (Trainer trainer = new Trainer(model, tc, manager, tokenizer.padId()).progress(progress)) {
                if (selfRecall != null) {
                    trainer.selectOn(SELF_RECALL).stopWhenReached(config.alignTargetSelfRecall(), config.alignEpochs());
                }
                state = trainer.fit(source, selfRecall, new Checkpoints(stageDir, weights), true).state();
            }
            weights.save(model, run.resolve(finalWeights("align-iter" + i)));
            List<Integer> epochs = new ArrayList<>();
            List<Double> loss = new ArrayList<>();
            List<Double> recall = new ArrayList<>();
            for (TrainState.EpochRecord r : state.history()) {
                epochs.add(r.epoch());
                loss.add(r.loss());
                if (r.metrics().containsKey(SELF_RECALL)) {
                    recall.add(r.metrics().get(SELF_RECALL));
                }
            }
            AlignmentLog log = new AlignmentLog(FORMAT_VERSION, i, config.alignEpochs(), budget,
                    config.effectiveAlignLearningRate(), config.effectiveAlignBatchSize(), config.alignTargetSelfRecall(), epochs, loss, recall,
                    state.epoch(), !recall.isEmpty() && recall.get(recall.size() - 1) >= config.alignTargetSelfRecall());
            run.writeJson("align-iter" + i + ".json", log);
            run.log("iteration " + i + ": alignment training done (" + tasks.size() + " examples x " + state.epoch()
                    + " epochs" + (config.adaptiveAlignment() ? String.format(", greedy self-recall %.2f%%, target %.2f%%%s",
                    100 * log.finalSelfRecall(), 100 * config.alignTargetSelfRecall(),
                    log.reachedTarget() ? " reached" : " NOT reached within " + budget + " epochs") : "") + ")");
        }
    }

    private List<String> itemToIdentifierPrompts(int[] titled) {
        AlignmentTasks tasks = AlignmentTasks.of(templates);
        List<String> prompts = new ArrayList<>(titled.length);
        for (int item : titled) {
            prompts.add(tasks.itemToIdentifierPrompt(data.itemTexts().get(item).title()));
        }
        return prompts;
    }

    /** Beam search on the Item-to-Identifier prompt of every titled item with M'(i-1). */
    private List<List<Candidate>> beamCandidates(int i, int[] titled) {
        ItemIdentifiers t0 = readIndex(0);
        List<String> tokens = readTokens(i - 1);
        try (PhaseTimer t = PhaseTimer.start("identifier regeneration, iteration " + i);
             ItemTokenizer tokenizer = ItemTokenizer.load(tokenizerPath, tokens);
             NDManager manager = NDManager.newBaseManager(device);
             T5Model model = loadModel("align-iter" + i, tokenizer.vocabSize())) {
            PerLevelConstraint constraint = PerLevelConstraint.forReference(t0.tokens(), tokens, tokenizer::itemId,
                    tokenizer.eosId());
            return new IdentifierRegenerator(model, tokenizer, constraint, config.effectiveRegenerationBeam(),
                    DECODE_BATCH).regenerate(manager, itemToIdentifierPrompts(titled));
        }
    }

    /**
     * Regenerates every titled item's identifier with M'(i-1) -> a proposal for T_i, which the
     * guard ({@link RegenerationGuard}) accepts or rejects (then T_i = T(i-1)).
     */
    private void regenerationStage(int i, int baseLevels) {
        ItemIdentifiers previous = readIndex(i - 1);
        List<String> tokens = readTokens(i - 1);
        int[] titled = AlignmentTasks.itemsWithTitle(data);
        List<List<Candidate>> candidates = regeneration.candidates(i, titled);
        if (candidates.size() != titled.length) {
            throw new IllegalStateException("regeneration returned " + candidates.size() + " candidate lists for "
                    + titled.length + " titled items");
        }
        List<Map<String, Object>> candidateFile = new ArrayList<>(titled.length);
        for (int k = 0; k < titled.length; k++) {
            candidateFile.add(Map.of("item", data.itemIds().get(titled[k]), "candidates", candidates.get(k)));
        }
        run.writeJson("candidates-iter" + i + ".json", candidateFile);
        List<List<String>> currentTitled = new ArrayList<>(titled.length);
        for (int item : titled) {
            currentTitled.add(IdentifierAdjustment.baseTokens(previous.of(item), baseLevels));
        }
        double selfRecall = SelfRecall.of(candidates, currentTitled);

        // items without a title have nothing to align with (paper: "every item with text"): they keep
        // their code, and nobody else may take it
        java.util.Set<List<String>> reserved = new java.util.HashSet<>();
        List<List<String>> assigned = new ArrayList<>(data.numItems());
        for (int item = 0; item < data.numItems(); item++) {
            List<String> kept = IdentifierAdjustment.baseTokens(previous.of(item), baseLevels);
            assigned.add(kept);
            if (!data.hasTitle(item)) {
                reserved.add(kept);
            }
        }
        IdentifierAssignment titledAssignment = new DiverseIdentifierAssigner(config.assignmentStrategy())
                .assign(candidates, reserved);
        int[] chosenRank = new int[data.numItems()];
        java.util.Arrays.fill(chosenRank, 0);
        for (int k = 0; k < titled.length; k++) {
            assigned.set(titled[k], titledAssignment.identifiers().get(k));
            chosenRank[titled[k]] = titledAssignment.chosenRank()[k];
        }
        IdentifierAssignment assignment = new IdentifierAssignment(titledAssignment.strategy(), assigned, chosenRank,
                titledAssignment.totalScore(), titledAssignment.fallbacks());
        double collisionRate = CollisionAvoidance.collisionRate(assignment.identifiers());
        ItemIdentifiers proposal = config.collisionAvoidance()
                ? CollisionAvoidance.apply(assignment.identifiers())
                : new ItemIdentifiers(assignment.identifiers());
        // the vocabulary only grows: ids of old tokens never move
        LinkedHashSet<String> vocab = new LinkedHashSet<>(tokens);
        vocab.addAll(proposal.vocabulary());
        int added = vocab.size() - tokens.size();
        RegenerationGuard.Decision decision = new RegenerationGuard(config.maxRegenerationCollisionRate(),
                config.minRegenerationSelfRecall()).judge(i, collisionRate, assignment.fallbacks(), selfRecall);
        IdentifierAdjustment adjustment = IdentifierAdjustment.between(previous, proposal, baseLevels);
        List<Map<String, Object>> changes = new ArrayList<>();
        if (decision.accepted()) {
            writeIndex(i, proposal, new ArrayList<>(vocab));
            for (IdentifierAdjustment.Change c : adjustment.changes()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("item", data.itemIds().get(c.item()));
                m.put("title", data.itemTexts().get(c.item()) == null ? "" : data.itemTexts().get(c.item()).title());
                m.put("before", c.before());
                m.put("after", proposal.of(c.item()));
                m.put("rank", assignment.chosenRank()[c.item()]);
                changes.add(m);
            }
        } else {
            // T_i = T(i-1): recommendation training continues with the identifiers (and vocabulary)
            // it already knows; the proposal is kept for inspection only
            writeIndex(i, previous, tokens);
            IndexFile.write(run.resolve("rejected-index-iter" + i + ".json"), data, proposal);
        }
        run.writeJson("changes-iter" + i + ".json", changes);

        List<List<String>> topOnes = new ArrayList<>(assigned);
        for (int k = 0; k < titled.length; k++) {
            topOnes.set(titled[k], candidates.get(k).get(0).tokens());
        }
        IdentifierAdjustment topOne = IdentifierAdjustment.between(previous.tokens(), topOnes, baseLevels);
        AlignmentLog align = run.exists("align-iter" + i + ".json")
                ? run.readJson("align-iter" + i + ".json", AlignmentLog.class) : null;
        IterationSummary summary = new IterationSummary(FORMAT_VERSION, i, true, proposal.numItems(), baseLevels,
                collisionRate, assignment.fallbacks(), assignment.totalScore(), 1 - assignment.displacedShare(),
                adjustment.ratio(), topOne.ratio(), adjustment.changed(),
                new ItemIdentifiers(assignment.identifiers()).collisionGroups().size(), added,
                similarity(proposal, baseLevels), selfRecall, decision.accepted(), decision.reason(),
                align == null ? 0 : align.epochsRun(), align == null ? Double.NaN : align.finalSelfRecall());
        run.writeJson("summary-iter" + i + ".json", summary);
        run.log(String.format("iteration %d: self-recall of M'(%d) %.2f%% (top-1 regenerated = current identifier, "
                        + "%d titled items), %s assignment, collision rate before avoidance %.2f%% (%d fallbacks), "
                        + "adjustment ratio %.2f%%, %d new tokens", i, i - 1, 100 * selfRecall, titled.length,
                config.assignment(), 100 * collisionRate, assignment.fallbacks(), 100 * adjustment.ratio(), added));
        run.log(decision.reason());
    }

    /** Tests the M_i with the best validation NDCG@10. */
    private void testStage() {
        List<StageValidation> validation = new ArrayList<>();
        for (int i = 0; i <= config.iterations(); i++) {
            validation.add(run.readJson("valid-iter" + i + ".json", StageValidation.class));
        }
        int best = config.iterations() == 0 ? 0 : 1;
        for (int i = best; i <= config.iterations(); i++) {
            if (ndcg(validation.get(i)) > ndcg(validation.get(best))) {
                best = i;
            }
        }
        ItemIdentifiers ids = readIndex(best);
        EvaluationResult result;
        try (PhaseTimer t = PhaseTimer.start("test evaluation of iteration " + best);
             ItemTokenizer tokenizer = ItemTokenizer.load(tokenizerPath, readTokens(best));
             NDManager manager = NDManager.newBaseManager(device);
             T5Model model = loadModel("rec-iter" + best, tokenizer.vocabSize())) {
            int[][] idIds = identifierTokenIds(ids, tokenizer);
            GenerativeRecommender rec = new GenerativeRecommender(model, new PrefixTrie(idIds, tokenizer.eosId()),
                    new TemplatePromptEncoder(templates, tokenizer, ids), config.testBeam(), DECODE_BATCH, tokenizer.padId());
            result = rec.evaluate(manager, split.testExamples(), data.numItems(), KS, new SplittableRandom(stageSeed("test", 0)));
        }
        run.writeJson("test-metrics.json", result.metrics());
        run.writeJson("test-per-user.json", result.perUser());
        List<IterationSummary> summaries = new ArrayList<>();
        for (int i = 0; i <= config.iterations(); i++) {
            summaries.add(run.readJson("summary-iter" + i + ".json", IterationSummary.class));
        }
        run.writeJson("outcome.json", new Outcome(FORMAT_VERSION, best, result.metrics(), validation, summaries));
        int source = 0;
        int rejected = 0;
        for (IterationSummary x : summaries) {
            if (config.refine() && x.iteration() > 0 && x.accepted() && x.iteration() <= best) {
                source = x.iteration();
            }
            if (x.iteration() > 0 && !x.accepted()) {
                rejected++;
            }
        }
        run.log(String.format("test (iteration %d, identifiers of iteration %d): Recall@10 %.4f NDCG@10 %.4f%s", best,
                source, result.get("recall@10"), result.get("ndcg@10"), config.refine() && rejected == config.iterations()
                        && rejected > 0 ? " - every SIIT iteration was rejected: SIIT changed nothing in this run" : ""));
    }

    // ---- helpers ---------------------------------------------------------------------------

    /**
     * Clears {@code stages/NAME} when its epoch checkpoints were made under another key (a changed
     * config): the trainer's resume must only continue training of the same settings.
     */
    private Path prepareStage(String name, String key) {
        Path stageDir = run.resolve("stages/" + name);
        Path keyFile = stageDir.resolve("KEY");
        try {
            if (Files.isDirectory(stageDir)
                    && (!Files.isRegularFile(keyFile) || !Files.readString(keyFile).strip().equals(key))) {
                try (var walk = Files.walk(stageDir)) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
                run.log("stage " + name + ": discarded checkpoints made with other settings");
            }
            Files.createDirectories(stageDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run.writeString("stages/" + name + "/KEY", key + "\n");
        return stageDir;
    }

    private static double ndcg(StageValidation v) {
        return v.last().getOrDefault(Validator.SELECTION_METRIC, Double.NEGATIVE_INFINITY);
    }

    /** The training examples, cut to each user's last {@code max_examples_per_user} when set. */
    List<Example> trainingExamples() {
        List<Example> all = split.trainExamples();
        int m = config.maxExamplesPerUser();
        if (m == 0) {
            return all;
        }
        Map<Integer, Integer> perUser = new LinkedHashMap<>();
        for (Example e : all) {
            perUser.merge(e.user(), 1, Integer::sum);
        }
        Map<Integer, Integer> seen = new LinkedHashMap<>();
        List<Example> out = new ArrayList<>();
        for (Example e : all) { // examples are grouped by user, positions ascending
            int k = seen.merge(e.user(), 1, Integer::sum);
            if (k > perUser.get(e.user()) - m) {
                out.add(e);
            }
        }
        return out;
    }

    private TrainConfig trainConfig(int epochs, long seed, int examples) {
        return trainConfig(epochs, seed, examples, config.learningRate(), config.batchSize(),
                config.validateEveryEpochs() > 0 ? config.validateEveryEpochs() : epochs);
    }

    private TrainConfig trainConfig(int epochs, long seed, int examples, double learningRate, int batchSize,
                                    int evalEvery) {
        long stepsPerEpoch = (examples + batchSize - 1) / batchSize;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learning_rate", learningRate);
        m.put("batch_size", batchSize);
        m.put("epochs", epochs);
        m.put("warmup_steps", (int) Math.min(500, stepsPerEpoch * epochs / 10));
        m.put("schedule", "cosine");
        m.put("min_lr_ratio", 0.1);
        m.put("eval_every", evalEvery);
        m.put("patience", 0);
        m.put("eval_max_users", config.validMaxUsers());
        m.put("seed", seed);
        m.put("max_history", config.maxHistory());
        m.put("beam", config.testBeam());
        m.put("eval_batch_size", DECODE_BATCH);
        m.put("kcore", config.kcore());
        m.put("device", config.device().startsWith("gpu") ? "gpu" : "cpu");
        return TrainConfig.defaults().with(m);
    }

    /** A seed per (stage kind, iteration), derived from the run's seed. */
    private long stageSeed(String kind, int iteration) {
        return new SplittableRandom(config.seed() ^ (kind.hashCode() * 0x9E3779B97F4A7C15L) ^ (iteration * 0xBF58476D1CE4E5B9L))
                .nextLong();
    }

    private T5Model loadModel(String stage, int vocabSize) {
        return loadModel(stage, config.t5Config(vocabSize));
    }

    private T5Model loadModel(String stage, dev.siit.model.T5Config architecture) {
        T5Model model = T5Model.create(architecture, config.seed(), device);
        weights.load(model, run.resolve(finalWeights(stage)));
        return model;
    }

    private static int[][] identifierTokenIds(ItemIdentifiers ids, ItemTokenizer tokenizer) {
        int[][] out = new int[ids.numItems()][];
        for (int i = 0; i < ids.numItems(); i++) {
            out[i] = ids.of(i).stream().mapToInt(tokenizer::itemId).toArray();
        }
        return out;
    }

    private double similarity(ItemIdentifiers ids, int baseLevels) {
        if (embeddings == null) {
            return Double.NaN;
        }
        return SemanticIdentifierSimilarity.compute(ids.tokens(), embeddings, baseLevels).weightedOverlap();
    }

    private void writeIndex(int i, ItemIdentifiers ids, List<String> tokens) {
        IndexFile.write(run.resolve("index-iter" + i + ".json"), data, ids);
        run.writeJson("stats-iter" + i + ".json", IdentifierStats.of(ids));
        run.writeString(tokensFile(i), String.join("\n", tokens) + "\n");
    }

    private ItemIdentifiers readIndex(int i) {
        return IndexFile.read(run.resolve("index-iter" + i + ".json"), data);
    }

    private List<String> readTokens(int i) {
        try {
            return Files.readAllLines(run.resolve(tokensFile(i))).stream().filter(s -> !s.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tokensFile(int i) {
        return "item-tokens-iter" + i + ".txt";
    }

    private static String finalWeights(String stage) {
        return "stages/" + stage + "/final.bin";
    }
}
