package dev.siit.baseline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Hyper-parameters of one sequential baseline, validated once at load. The defaults of
 * {@link #defaults(String)} are the settings tuned on the Instruments validation split
 * (docs/baselines.md); a YAML/JSON file overrides any subset of fields.
 *
 * @param model              sasrec, gru4rec, caser or bert4rec
 * @param maxHistory         H: the most recent items a model sees (BERT4Rec adds one mask slot)
 * @param hiddenSize         d: item embedding and hidden width
 * @param numLayers          transformer blocks (SASRec, BERT4Rec) or GRU layers (GRU4Rec)
 * @param numHeads           attention heads (SASRec, BERT4Rec)
 * @param innerSize          point-wise feed-forward width (SASRec, BERT4Rec) or GRU state width (GRU4Rec)
 * @param dropout            dropout on embeddings and hidden states
 * @param attentionDropout   dropout on attention weights (SASRec, BERT4Rec)
 * @param loss               ce (softmax cross-entropy over all items) or bpr (one sampled negative)
 * @param learningRate       Adam step size
 * @param weightDecay        decoupled (AdamW) weight decay
 * @param batchSize          training users per step (Caser: the windows of these users)
 * @param maxEpochs          upper bound on epochs
 * @param patience           stop after this many epochs without a better validation NDCG@10
 * @param evalBatchSize      users scored per matrix product in evaluation
 * @param caserWindow        L: items in Caser's input window
 * @param caserHorizontal    n_h: Caser horizontal filters per height 1..L
 * @param caserVertical      n_v: Caser vertical filters
 * @param maskProbability    BERT4Rec: share of training positions replaced by the mask token
 * @param lastItemMaskProbability BERT4Rec: share of training sequences where only the last item is
 *                           masked, the next-item task seen at prediction time
 * @param caserTargets       T: Caser trains each window on the next T items (the original Caser's
 *                           skip behaviour; 1 = the next item only)
 */
public record BaselineConfig(String model, int maxHistory, int hiddenSize, int numLayers, int numHeads,
                             int innerSize, double dropout, double attentionDropout, String loss,
                             double learningRate, double weightDecay, int batchSize, int maxEpochs,
                             int patience, int evalBatchSize, int caserWindow, int caserHorizontal,
                             int caserVertical, double maskProbability, double lastItemMaskProbability,
                             int caserTargets) {

    public static final Set<String> MODELS = Set.of("sasrec", "gru4rec", "caser", "bert4rec");

    public BaselineConfig {
        model = model == null ? null : model.toLowerCase(Locale.ROOT);
        loss = loss == null ? null : loss.toLowerCase(Locale.ROOT);
        require(model != null && MODELS.contains(model), "model must be sasrec, gru4rec, caser or bert4rec, got " + model);
        require(maxHistory >= 1, "maxHistory must be >= 1, got " + maxHistory);
        require(hiddenSize >= 1, "hiddenSize must be >= 1, got " + hiddenSize);
        require(numLayers >= 1, "numLayers must be >= 1, got " + numLayers);
        require(numHeads >= 1 && hiddenSize % numHeads == 0,
                "numHeads must be >= 1 and divide hiddenSize " + hiddenSize + ", got " + numHeads);
        require(innerSize >= 1, "innerSize must be >= 1, got " + innerSize);
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
        require(attentionDropout >= 0 && attentionDropout < 1, "attentionDropout must be in [0, 1), got " + attentionDropout);
        require("ce".equals(loss) || "bpr".equals(loss), "loss must be ce or bpr, got " + loss);
        require(!"bpr".equals(loss) || "sasrec".equals(model) || "gru4rec".equals(model),
                "loss bpr is implemented for sasrec and gru4rec only, got model " + model);
        require(learningRate > 0, "learningRate must be > 0, got " + learningRate);
        require(weightDecay >= 0, "weightDecay must be >= 0, got " + weightDecay);
        require(batchSize >= 1, "batchSize must be >= 1, got " + batchSize);
        require(maxEpochs >= 1, "maxEpochs must be >= 1, got " + maxEpochs);
        require(patience >= 1, "patience must be >= 1, got " + patience);
        require(evalBatchSize >= 1, "evalBatchSize must be >= 1, got " + evalBatchSize);
        require(caserWindow >= 1, "caserWindow must be >= 1, got " + caserWindow);
        require(caserHorizontal >= 0 && caserVertical >= 0 && caserHorizontal + caserVertical > 0,
                "caserHorizontal and caserVertical must be >= 0 and not both 0");
        require(maskProbability > 0 && maskProbability < 1, "maskProbability must be in (0, 1), got " + maskProbability);
        require(lastItemMaskProbability >= 0 && lastItemMaskProbability <= 1,
                "lastItemMaskProbability must be in [0, 1], got " + lastItemMaskProbability);
        require(caserTargets >= 1, "caserTargets must be >= 1, got " + caserTargets);
    }

    /** A config with one Caser target per window (the field added last, for older callers). */
    public BaselineConfig(String model, int maxHistory, int hiddenSize, int numLayers, int numHeads, int innerSize,
                          double dropout, double attentionDropout, String loss, double learningRate,
                          double weightDecay, int batchSize, int maxEpochs, int patience, int evalBatchSize,
                          int caserWindow, int caserHorizontal, int caserVertical, double maskProbability,
                          double lastItemMaskProbability) {
        this(model, maxHistory, hiddenSize, numLayers, numHeads, innerSize, dropout, attentionDropout, loss,
                learningRate, weightDecay, batchSize, maxEpochs, patience, evalBatchSize, caserWindow,
                caserHorizontal, caserVertical, maskProbability, lastItemMaskProbability, 1);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InputException("baseline config: " + message);
        }
    }

    /** The tuned defaults of each model (see docs/baselines.md). */
    public static BaselineConfig defaults(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        return switch (m) {
            // 64 users per step: on Instruments each model reached its best validation NDCG@10 in
            // 7-30 epochs this way, where 256 needed several times the epochs (docs/baselines.md)
            case "sasrec" -> new BaselineConfig("sasrec", 50, 64, 2, 2, 64, 0.5, 0.5, "ce", 1e-3, 0.0, 64, 200,
                    5, 1024, 5, 16, 4, 0.2, 0.0, 1);
            case "gru4rec" -> new BaselineConfig("gru4rec", 50, 64, 1, 1, 128, 0.3, 0.0, "ce", 1e-3, 0.0, 64, 200,
                    5, 1024, 5, 16, 4, 0.2, 0.0, 1);
            // Caser's user embedding memorises the user's training items, which then crowd the
            // top of the ranking; strong decoupled weight decay (1.0: 0.1% per step) holds it back
            case "caser" -> new BaselineConfig("caser", 50, 64, 1, 1, 64, 0.4, 0.0, "ce", 1e-3, 1.0, 64, 200,
                    5, 1024, 5, 16, 4, 0.2, 0.0, 1);
            case "bert4rec" -> new BaselineConfig("bert4rec", 50, 64, 2, 2, 256, 0.2, 0.2, "ce", 1e-3, 0.0, 64, 400,
                    10, 1024, 5, 16, 4, 0.2, 0.1, 1);
            default -> throw new InputException("unknown model '" + model + "': use sasrec, gru4rec, caser or bert4rec");
        };
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The defaults of {@code model} overridden by the fields of {@code file} (YAML or JSON). A
     * {@code model} field in the file must agree with {@code model} when both are given.
     */
    public static BaselineConfig load(String model, Path file) {
        if (file == null) {
            return defaults(model);
        }
        JsonNode node;
        try {
            node = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new InputException("cannot read baseline config " + file + ": " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return defaults(model);
        }
        if (!node.isObject()) {
            throw new InputException("baseline config " + file + " must be a mapping of field: value");
        }
        String fileModel = node.hasNonNull("model") ? node.get("model").asText() : null;
        if (model != null && fileModel != null && !fileModel.equalsIgnoreCase(model)) {
            throw new InputException("baseline config " + file + " is for model " + fileModel + " but --model is " + model);
        }
        String m = model != null ? model : fileModel;
        if (m == null) {
            throw new InputException("baseline config " + file + " has no model field and no --model was given");
        }
        ObjectNode merged = JSON.valueToTree(defaults(m));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!merged.has(f)) {
                throw new InputException("baseline config " + file + ": unknown field '" + f + "'");
            }
            merged.set(f, node.get(f));
        }
        try {
            return JSON.treeToValue(merged, BaselineConfig.class);
        } catch (IOException e) {
            if (e.getCause() instanceof InputException ie) {
                throw new InputException(ie.getMessage() + " (in " + file + ")", ie);
            }
            throw new InputException("baseline config " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof InputException ie) {
                throw ie;
            }
            throw new InputException("baseline config " + file + ": " + e.getMessage(), e);
        }
    }

    public BaselineConfig withMaxEpochs(int epochs) {
        return new BaselineConfig(model, maxHistory, hiddenSize, numLayers, numHeads, innerSize, dropout,
                attentionDropout, loss, learningRate, weightDecay, batchSize, epochs, patience, evalBatchSize,
                caserWindow, caserHorizontal, caserVertical, maskProbability, lastItemMaskProbability, caserTargets);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
