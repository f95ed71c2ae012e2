package dev.siit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hugging Face T5 {@code config.json}, field for field (the subset that defines the network).
 * Java names are the camel-case forms of the JSON keys: {@code dModel} is {@code d_model}.
 *
 * <p>Fields that older Hugging Face configs omit take the Hugging Face defaults when loading:
 * {@code num_decoder_layers = num_layers}, {@code relative_attention_max_distance = 128},
 * {@code feed_forward_proj = "relu"}, {@code tie_word_embeddings = true},
 * {@code initializer_factor = 1.0}, pad 0, eos 1, decoder start 0.
 *
 * @param feedForwardProj {@code "relu"} (T5 1.0, LETTER-TIGER) or {@code "gated-gelu"}
 *     (T5 1.1 / Flan-T5: {@code wo(gelu_new(wi_0 x) * wi_1 x)})
 * @param tieWordEmbeddings LM head = shared embedding, with the output rescaled by
 *     {@code d_model^-0.5}; otherwise a separate {@code lm_head.weight} and no rescaling
 * @param initializerFactor multiplies every initialisation standard deviation (HF
 *     {@code _init_weights})
 */
public record T5Config(int vocabSize, int dModel, int dKv, int dFf, int numLayers,
                       int numDecoderLayers, int numHeads, int relativeAttentionNumBuckets,
                       int relativeAttentionMaxDistance, double dropoutRate,
                       double layerNormEpsilon, String feedForwardProj,
                       boolean tieWordEmbeddings, double initializerFactor,
                       int padTokenId, int eosTokenId, int decoderStartTokenId) {

    public static final String RELU = "relu";
    public static final String GATED_GELU = "gated-gelu";

    public T5Config {
        require(vocabSize > 0, "vocab_size", "must be positive, got " + vocabSize);
        require(dModel > 0, "d_model", "must be positive, got " + dModel);
        require(dKv > 0, "d_kv", "must be positive, got " + dKv);
        require(dFf > 0, "d_ff", "must be positive, got " + dFf);
        require(numLayers > 0, "num_layers", "must be positive, got " + numLayers);
        require(numDecoderLayers > 0, "num_decoder_layers", "must be positive, got " + numDecoderLayers);
        require(numHeads > 0, "num_heads", "must be positive, got " + numHeads);
        require(relativeAttentionNumBuckets >= 2, "relative_attention_num_buckets",
                "must be at least 2, got " + relativeAttentionNumBuckets);
        // the bucket function takes log(max_distance / max_exact) with max_exact = buckets / 4
        require(relativeAttentionMaxDistance > relativeAttentionNumBuckets / 4,
                "relative_attention_max_distance", "must exceed relative_attention_num_buckets / 4, got "
                        + relativeAttentionMaxDistance);
        require(dropoutRate >= 0 && dropoutRate < 1, "dropout_rate", "must be in [0, 1), got " + dropoutRate);
        require(layerNormEpsilon > 0, "layer_norm_epsilon", "must be positive, got " + layerNormEpsilon);
        require(RELU.equals(feedForwardProj) || GATED_GELU.equals(feedForwardProj), "feed_forward_proj",
                "must be \"relu\" or \"gated-gelu\", got \"" + feedForwardProj + "\"");
        require(initializerFactor > 0, "initializer_factor", "must be positive, got " + initializerFactor);
        require(padTokenId >= 0 && padTokenId < vocabSize, "pad_token_id", "must be a token id below vocab_size");
        require(eosTokenId >= 0 && eosTokenId < vocabSize, "eos_token_id", "must be a token id below vocab_size");
        require(decoderStartTokenId >= 0 && decoderStartTokenId < vocabSize, "decoder_start_token_id",
                "must be a token id below vocab_size");
    }

    /**
     * The from-scratch backbone of LETTER-TIGER (the LETTER repository's TIGER model): d_model
     * 128, 4 + 4 layers, 6 heads of 64, d_ff 1024, ReLU, dropout 0.1, 32 buckets, max distance
     * 128. LETTER builds it with {@code transformers.T5Config(...)} without passing
     * {@code tie_word_embeddings}, so the Hugging Face default applies: tied embeddings with the
     * {@code d_model^-0.5} rescaling of the decoder output.
     */
    public static T5Config letterTiger(int vocabSize) {
        return new T5Config(vocabSize, 128, 64, 1024, 4, 4, 6, 32, 128, 0.1, 1e-6, RELU, true, 1.0, 0, 1, 0);
    }

    /** Width of the concatenated heads, {@code num_heads * d_kv}. */
    public int innerDim() {
        return numHeads * dKv;
    }

    public boolean gated() {
        return GATED_GELU.equals(feedForwardProj);
    }

    /** A copy with another vocabulary size (after new item tokens were added). */
    public T5Config withVocabSize(int newVocabSize) {
        return new T5Config(newVocabSize, dModel, dKv, dFf, numLayers, numDecoderLayers, numHeads,
                relativeAttentionNumBuckets, relativeAttentionMaxDistance, dropoutRate, layerNormEpsilon,
                feedForwardProj, tieWordEmbeddings, initializerFactor, padTokenId, eosTokenId, decoderStartTokenId);
    }

    /** A copy with another dropout rate (e.g. 0 for exact comparisons). */
    public T5Config withDropoutRate(double rate) {
        return new T5Config(vocabSize, dModel, dKv, dFf, numLayers, numDecoderLayers, numHeads,
                relativeAttentionNumBuckets, relativeAttentionMaxDistance, rate, layerNormEpsilon,
                feedForwardProj, tieWordEmbeddings, initializerFactor, padTokenId, eosTokenId, decoderStartTokenId);
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new InputException("T5 config field " + field + " " + message);
        }
    }

    // ---- JSON ------------------------------------------------------------------------------

    /** Reads a Hugging Face {@code config.json}; unknown keys (architectures, ...) are ignored. */
    public static T5Config load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputException("no such file: " + file);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException(file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InputException(file + " must hold a JSON object");
        }
        try {
            return fromJson(root, file.toString());
        } catch (InputException e) {
            throw new InputException(file + ": " + e.getMessage(), e);
        }
    }

    static T5Config fromJson(JsonNode root, String source) {
        int numLayers = intField(root, "num_layers", null);
        String proj = textField(root, "feed_forward_proj", RELU);
        return new T5Config(
                intField(root, "vocab_size", null),
                intField(root, "d_model", null),
                intField(root, "d_kv", null),
                intField(root, "d_ff", null),
                numLayers,
                intField(root, "num_decoder_layers", numLayers),
                intField(root, "num_heads", null),
                intField(root, "relative_attention_num_buckets", 32),
                intField(root, "relative_attention_max_distance", 128),
                doubleField(root, "dropout_rate", 0.1),
                doubleField(root, "layer_norm_epsilon", 1e-6),
                proj,
                boolField(root, "tie_word_embeddings", true),
                doubleField(root, "initializer_factor", 1.0),
                intField(root, "pad_token_id", 0),
                intField(root, "eos_token_id", 1),
                intField(root, "decoder_start_token_id", 0));
    }

    private static int intField(JsonNode root, String name, Integer fallback) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            if (fallback == null) {
                throw new InputException("T5 config field " + name + " is missing");
            }
            return fallback;
        }
        if (!n.canConvertToExactIntegral() || !n.canConvertToInt()) {
            throw new InputException("T5 config field " + name + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static double doubleField(JsonNode root, String name, double fallback) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw new InputException("T5 config field " + name + " must be a number, got " + n);
        }
        return n.doubleValue();
    }

    private static boolean boolField(JsonNode root, String name, boolean fallback) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new InputException("T5 config field " + name + " must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    private static String textField(JsonNode root, String name, String fallback) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw new InputException("T5 config field " + name + " must be a string, got " + n);
        }
        return n.textValue();
    }

    /** The Hugging Face {@code config.json} form (loadable by {@code transformers} too). */
    public ObjectNode toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.putArray("architectures").add("T5ForConditionalGeneration");
        n.put("model_type", "t5");
        n.put("vocab_size", vocabSize);
        n.put("d_model", dModel);
        n.put("d_kv", dKv);
        n.put("d_ff", dFf);
        n.put("num_layers", numLayers);
        n.put("num_decoder_layers", numDecoderLayers);
        n.put("num_heads", numHeads);
        n.put("relative_attention_num_buckets", relativeAttentionNumBuckets);
        n.put("relative_attention_max_distance", relativeAttentionMaxDistance);
        n.put("dropout_rate", dropoutRate);
        n.put("layer_norm_epsilon", layerNormEpsilon);
        n.put("feed_forward_proj", feedForwardProj);
        n.put("dense_act_fn", gated() ? "gelu_new" : "relu");
        n.put("is_gated_act", gated());
        n.put("tie_word_embeddings", tieWordEmbeddings);
        n.put("initializer_factor", initializerFactor);
        n.put("pad_token_id", padTokenId);
        n.put("eos_token_id", eosTokenId);
        n.put("decoder_start_token_id", decoderStartTokenId);
        n.put("is_encoder_decoder", true);
        return n;
    }
}
