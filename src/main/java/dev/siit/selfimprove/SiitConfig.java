package dev.siit.selfimprove;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.siit.io.InputException;
import dev.siit.model.T5Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of one SIIT run (Algorithm 1), loaded from YAML with snake_case keys. Missing keys take
 * the paper's values ({@link #defaults()}); unknown keys and out-of-range values are rejected at
 * load with the file and field named.
 *
 * @param version              config format version (1)
 * @param dataset              dataset folder (MovieLens {@code u.data}, LETTER {@code *.inter.json}, CSV)
 * @param datasetFormat        {@code movielens}, {@code letter}, {@code csv}, or null to detect
 * @param kcore                k-core filter (paper: 5)
 * @param maxHistory           history length H (paper: 10)
 * @param initializer          how T0 is made: {@code cid}, {@code tiger}, {@code letter} or {@code file}
 * @param indexFile            a {@code .index.json} holding T0 (required for {@code file})
 * @param placeholderTitles    {@code tiger}/{@code letter}: items without a title (at most 5%) get
 *                             the title {@code "item <id>"} (MovieLens-100K lacks item 267's text);
 *                             false = such items are refused
 * @param cfEmbeddings         {@code letter}: collaborative item embeddings for LETTER's
 *                             regulariser (the {@code item-embeddings.npy} that {@code siit baseline
 *                             --model sasrec} writes from the training split); required for letter
 * @param model                backbone: {@code letter-tiger} (the from-scratch T5 of LETTER/TIGER,
 *                             d 128, 4+4 layers), {@code small} (d 64, 2+2 layers, a reduction),
 *                             {@code tiny} (d 32, 1+1 layers, tests) or a Hugging Face
 *                             {@code config.json} path
 * @param warmupEpochs         sequential-recommendation epochs with T0 -> M0 (paper: 20)
 * @param iterations           maximum number of SIIT iterations n; the best i in 1..n by validation
 *                             NDCG@10 is tested (paper: n in 2..5)
 * @param alignEpochs          E_align: alignment epochs of the copy M'(i-1) (paper, Figure 2 sweeps it);
 *                             with {@code align_max_epochs} the minimum number of alignment epochs
 * @param alignMaxEpochs       guard (not in the paper): when larger than {@code align_epochs},
 *                             alignment continues past {@code align_epochs} until the greedy
 *                             self-recall of M'(i-1) reaches {@code align_target_self_recall} or
 *                             this many epochs have run; 0 = exactly {@code align_epochs} (paper)
 * @param alignTargetSelfRecall guard: the share of titled items whose greedy Item-to-Identifier
 *                             decoding must return their current identifier before alignment may
 *                             stop early ({@link SelfRecall}); 0 = no target
 * @param alignLearningRate    peak learning rate of the alignment stage; 0 = {@code learning_rate}
 *                             (paper: one learning rate)
 * @param alignBatchSize       examples per alignment step; 0 = {@code batch_size}. Smaller batches
 *                             give the memorisation of title -> identifier more updates per epoch
 * @param alignTasks           {@code both} (paper: Item-to-Identifier and Identifier-to-Item) or
 *                             {@code item-to-identifier} (only the task regeneration decodes; not
 *                             in the paper). Measured on a proxy, Identifier-to-Item slows the
 *                             learning of title -> identifier (docs/results.md)
 * @param alignDropout         dropout rate of the alignment stage; -1 = the backbone's own rate
 *                             (paper: one model, one rate). Alignment memorises one example per
 *                             item, which dropout slows down (docs/results.md, alignment learnability)
 * @param maxRegenerationCollisionRate guard (not in the paper): an iteration whose regenerated
 *                             identifiers collide (before collision avoidance) for a larger share
 *                             of items is REJECTED: T_i = T(i-1). 1.0 = never reject (the paper's
 *                             loop); default 0.2, see docs/siit-loop.md
 * @param minRegenerationSelfRecall guard (not in the paper): an iteration whose aligned model
 *                             M'(i-1) reproduces the current identifier (beam top-1, {@link SelfRecall})
 *                             for a smaller share of titled items is REJECTED: T_i = T(i-1). It
 *                             catches the case the collision rule cannot: beams that depend on the
 *                             title but are mostly wrong would reassign identifiers at random with
 *                             few collisions. 0 = no such rule (default, the paper's loop)
 * @param recEpochs            E_rec: recommendation epochs of M(i-1) with T_i -> M_i (paper: 10)
 * @param refine               false = the baseline: the same schedule with T_i = T0 (no alignment,
 *                             no regeneration), so base and +SIIT get the same training budget
 * @param regenerationBeam     beam width = top-k of candidate identifiers (paper: 20)
 * @param regenerationDecoding {@code beam} (paper) or {@code greedy} (ablation, Table 3)
 * @param assignment           {@code paper}, {@code confident-first} or {@code optimal}
 * @param collisionAvoidance   append a collision level (paper) or keep shared identifiers (ablation)
 * @param testBeam             beam of the trie-constrained recommendation decoding (>= 10 for @10)
 * @param learningRate         AdamW learning rate (paper: 1e-3)
 * @param batchSize            examples per step (paper: 256)
 * @param validateEveryEpochs  validation NDCG@10 every this many epochs during training (0 = only
 *                             at the end of each stage)
 * @param validMaxUsers        validate on the first N validation users only (0 = all; a reduction)
 * @param maxExamplesPerUser   train on each user's last N training positions only (0 = all, the
 *                             paper; anything else is a reduced configuration)
 * @param seed                 seed of every random choice of the run
 * @param device               {@code cpu} or {@code gpu[:N]}
 */
public record SiitConfig(
        @JsonProperty("version") int version,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("dataset_format") String datasetFormat,
        @JsonProperty("kcore") int kcore,
        @JsonProperty("max_history") int maxHistory,
        @JsonProperty("initializer") String initializer,
        @JsonProperty("index_file") String indexFile,
        @JsonProperty("placeholder_titles") boolean placeholderTitles,
        @JsonProperty("cf_embeddings") String cfEmbeddings,
        @JsonProperty("model") String model,
        @JsonProperty("warmup_epochs") int warmupEpochs,
        @JsonProperty("iterations") int iterations,
        @JsonProperty("align_epochs") int alignEpochs,
        @JsonProperty("align_max_epochs") int alignMaxEpochs,
        @JsonProperty("align_target_self_recall") double alignTargetSelfRecall,
        @JsonProperty("align_learning_rate") double alignLearningRate,
        @JsonProperty("align_batch_size") int alignBatchSize,
        @JsonProperty("align_tasks") String alignTasks,
        @JsonProperty("align_dropout") double alignDropout,
        @JsonProperty("max_regeneration_collision_rate") double maxRegenerationCollisionRate,
        @JsonProperty("min_regeneration_self_recall") double minRegenerationSelfRecall,
        @JsonProperty("rec_epochs") int recEpochs,
        @JsonProperty("refine") boolean refine,
        @JsonProperty("regeneration_beam") int regenerationBeam,
        @JsonProperty("regeneration_decoding") String regenerationDecoding,
        @JsonProperty("assignment") String assignment,
        @JsonProperty("collision_avoidance") boolean collisionAvoidance,
        @JsonProperty("test_beam") int testBeam,
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("validate_every_epochs") int validateEveryEpochs,
        @JsonProperty("valid_max_users") int validMaxUsers,
        @JsonProperty("max_examples_per_user") int maxExamplesPerUser,
        @JsonProperty("seed") long seed,
        @JsonProperty("device") String device) {

    public static final int VERSION = 1;
    public static final Set<String> INITIALIZERS = Set.of("cid", "tiger", "letter", "file");
    public static final Set<String> DECODINGS = Set.of("beam", "greedy");
    public static final Set<String> MODELS = Set.of("letter-tiger", "small", "tiny");
    public static final Set<String> ALIGN_TASKS = Set.of("both", "item-to-identifier");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public SiitConfig {
        check(version == VERSION, "version", "must be " + VERSION + " (the only format this siit reads), got " + version);
        check(dataset != null && !dataset.isBlank(), "dataset", "is required (a dataset folder)");
        check(datasetFormat == null || Set.of("movielens", "letter", "csv").contains(datasetFormat), "dataset_format",
                "must be movielens, letter or csv, got " + datasetFormat);
        check(kcore >= 0, "kcore", "must be >= 0, got " + kcore);
        check(maxHistory >= 1, "max_history", "must be >= 1, got " + maxHistory);
        check(initializer != null && INITIALIZERS.contains(initializer), "initializer",
                "must be one of " + new TreeSet<>(INITIALIZERS) + ", got " + initializer);
        check(!"file".equals(initializer) || (indexFile != null && !indexFile.isBlank()), "index_file",
                "is required when initializer is file");
        check(!"letter".equals(initializer) || (cfEmbeddings != null && !cfEmbeddings.isBlank()), "cf_embeddings",
                "is required when initializer is letter: the SASRec item embeddings of the training split "
                        + "(siit baseline --model sasrec writes RUNS/NAME/sasrec/item-embeddings.npy)");
        check(model != null && (MODELS.contains(model) || model.endsWith(".json")), "model",
                "must be letter-tiger, small, tiny or a config.json path, got " + model);
        check(warmupEpochs >= 1, "warmup_epochs", "must be >= 1, got " + warmupEpochs);
        check(iterations >= 0, "iterations", "must be >= 0, got " + iterations);
        check(alignEpochs >= 1, "align_epochs", "must be >= 1, got " + alignEpochs);
        check(alignMaxEpochs == 0 || alignMaxEpochs >= alignEpochs, "align_max_epochs",
                "must be 0 (exactly align_epochs) or >= align_epochs (" + alignEpochs + "), got " + alignMaxEpochs);
        check(alignTargetSelfRecall >= 0 && alignTargetSelfRecall <= 1, "align_target_self_recall",
                "must be in [0, 1] (a share of items), got " + alignTargetSelfRecall);
        check(alignMaxEpochs <= alignEpochs || alignTargetSelfRecall > 0, "align_target_self_recall",
                "must be > 0 when align_max_epochs (" + alignMaxEpochs + ") exceeds align_epochs (" + alignEpochs
                        + "): the extra epochs run only while self-recall is below the target");
        check(alignLearningRate >= 0 && Double.isFinite(alignLearningRate), "align_learning_rate",
                "must be >= 0 (0 = learning_rate), got " + alignLearningRate);
        check(alignBatchSize >= 0, "align_batch_size", "must be >= 0 (0 = batch_size), got " + alignBatchSize);
        check(ALIGN_TASKS.contains(alignTasks), "align_tasks",
                "must be both (the paper) or item-to-identifier, got " + alignTasks);
        check(alignDropout == -1 || (alignDropout >= 0 && alignDropout < 1), "align_dropout",
                "must be -1 (the backbone's dropout) or in [0, 1), got " + alignDropout);
        check(maxRegenerationCollisionRate >= 0 && maxRegenerationCollisionRate <= 1, "max_regeneration_collision_rate",
                "must be in [0, 1] (1 = never reject, the paper's loop), got " + maxRegenerationCollisionRate);
        check(minRegenerationSelfRecall >= 0 && minRegenerationSelfRecall <= 1, "min_regeneration_self_recall",
                "must be in [0, 1] (a share of titled items; 0 = no self-recall rule), got " + minRegenerationSelfRecall);
        check(recEpochs >= 1, "rec_epochs", "must be >= 1, got " + recEpochs);
        check(regenerationBeam >= 1, "regeneration_beam", "must be >= 1, got " + regenerationBeam);
        check(regenerationDecoding != null && DECODINGS.contains(regenerationDecoding), "regeneration_decoding",
                "must be beam or greedy, got " + regenerationDecoding);
        try {
            AssignmentStrategy.parse(assignment);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("field 'assignment' must be paper, confident-first or optimal, got " + assignment);
        }
        check(testBeam >= 10, "test_beam", "must be >= 10 (Recall/NDCG@10 need 10 ranked items), got " + testBeam);
        check(learningRate > 0 && Double.isFinite(learningRate), "learning_rate", "must be > 0, got " + learningRate);
        check(batchSize >= 1, "batch_size", "must be >= 1, got " + batchSize);
        check(validateEveryEpochs >= 0, "validate_every_epochs", "must be >= 0, got " + validateEveryEpochs);
        check(validMaxUsers >= 0, "valid_max_users", "must be >= 0 (0 = all), got " + validMaxUsers);
        check(maxExamplesPerUser >= 0, "max_examples_per_user", "must be >= 0 (0 = all), got " + maxExamplesPerUser);
        check(device != null && device.matches("cpu|gpu(:\\d+)?"), "device", "must be cpu or gpu[:N], got " + device);
    }

    private static void check(boolean ok, String field, String message) {
        if (!ok) {
            throw new IllegalArgumentException("field '" + field + "' " + message);
        }
    }

    /**
     * The paper's settings (Section 4.1.4) on MovieLens-100K with CID initialisation, plus the
     * collapse guard: {@code max_regeneration_collision_rate} 0.2 (the paper's beam search keeps
     * collisions at 2.6-4.0%, Table 3, so the guard only rejects what the paper never reports;
     * set 1.0 for the unguarded loop). Alignment runs exactly {@code align_epochs} epochs.
     */
    public static SiitConfig defaults() {
        return new SiitConfig(VERSION, "../shared/data/ml-100k", null, 5, 10, "cid", null, false, null, "letter-tiger",
                20, 3, 5, 0, 0.0, 0.0, 0, "both", -1.0, DEFAULT_MAX_REGENERATION_COLLISION_RATE, 0.0, 10, true, 20, "beam", "paper", true, 20,
                1e-3, 256, 5, 0, 0, 42, "cpu");
    }

    /** Default of {@code max_regeneration_collision_rate}; why 0.2: docs/siit-loop.md, "The collapse guard". */
    public static final double DEFAULT_MAX_REGENERATION_COLLISION_RATE = 0.2;

    /** Whether alignment may run past {@code align_epochs} until the self-recall target. */
    public boolean adaptiveAlignment() {
        return alignMaxEpochs > alignEpochs;
    }

    /** The most alignment epochs one iteration may run. */
    public int alignEpochBudget() {
        return Math.max(alignEpochs, alignMaxEpochs);
    }

    /** Batch size of the alignment stage. */
    public int effectiveAlignBatchSize() {
        return alignBatchSize > 0 ? alignBatchSize : batchSize;
    }

    /** Whether alignment trains the Identifier-to-Item task too (paper) or Item-to-Identifier only. */
    public boolean alignsIdentifierToItem() {
        return "both".equals(alignTasks);
    }

    /** The backbone of the alignment stage: {@link #t5Config} with {@code align_dropout} when set. */
    public T5Config alignT5Config(int vocabSize) {
        T5Config c = t5Config(vocabSize);
        return alignDropout < 0 ? c : c.withDropoutRate(alignDropout);
    }

    /** Learning rate of the alignment stage. */
    public double effectiveAlignLearningRate() {
        return alignLearningRate > 0 ? alignLearningRate : learningRate;
    }

    public AssignmentStrategy assignmentStrategy() {
        return AssignmentStrategy.parse(assignment);
    }

    /** The backbone's architecture for a vocabulary of {@code vocabSize} tokens. */
    public T5Config t5Config(int vocabSize) {
        return switch (model) {
            case "letter-tiger" -> T5Config.letterTiger(vocabSize);
            // reductions for quick runs and tests: same design, narrower and shallower
            case "small" -> new T5Config(vocabSize, 64, 16, 256, 2, 2, 4, 32, 128, 0.1, 1e-6, T5Config.RELU, true, 1.0,
                    0, 1, 0);
            case "tiny" -> new T5Config(vocabSize, 32, 8, 64, 1, 1, 2, 8, 16, 0.0, 1e-6, T5Config.RELU, true, 1.0, 0, 1, 0);
            default -> T5Config.load(Path.of(model)).withVocabSize(vocabSize);
        };
    }

    /** Beam width of regeneration: 1 for greedy decoding. */
    public int effectiveRegenerationBeam() {
        return "greedy".equals(regenerationDecoding) ? 1 : regenerationBeam;
    }

    /** Loads a YAML file; missing keys take {@link #defaults()}. */
    public static SiitConfig load(Path file) {
        JsonNode tree;
        try {
            tree = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InputException("config file " + file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new InputException(file + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputException("cannot read config file " + file + ": " + e.getMessage());
        }
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            tree = YAML.createObjectNode();
        }
        return fromTree(tree, defaults(), file.toString());
    }

    /**
     * The config {@code base} with the keys of {@code overrides} replaced; {@code source} names
     * where the keys came from in error messages.
     */
    public static SiitConfig fromTree(JsonNode overrides, SiitConfig base, String source) {
        if (!overrides.isObject()) {
            throw new InputException(source + ": expected a mapping of settings, got " + overrides.getNodeType());
        }
        ObjectNode merged = YAML.valueToTree(base);
        Set<String> known = new TreeSet<>();
        merged.fieldNames().forEachRemaining(known::add);
        List<String> unknown = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey())) {
                unknown.add(e.getKey());
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        }
        if (!unknown.isEmpty()) {
            throw new InputException(source + ": unknown field " + unknown + " (known fields: " + known + ")");
        }
        try {
            return YAML.treeToValue(merged, SiitConfig.class);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw new InputException(source + ": " + iae.getMessage());
            }
            String field = e.getPath().isEmpty() ? "?" : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw new InputException(source + ": field '" + field + "' has the wrong type: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InputException(source + ": " + e.getOriginalMessage());
        }
    }

    /** This config with the keys of {@code overrides} (snake_case) replaced. */
    public SiitConfig with(Map<String, ?> overrides, String source) {
        return fromTree(YAML.valueToTree(overrides), this, source);
    }

    /** YAML text of this config (for the run directory's provenance). */
    public String toYaml() {
        try {
            return YAML.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
