package dev.siit.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import dev.siit.optim.TrainableScalars;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * T5 encoder-decoder (Raffel et al. 2020) as DJL blocks: shared token embedding, encoder and
 * decoder {@link T5Stack}s, LM head. The block owns every parameter ({@code getParameters()}
 * lists them all, for optimisers and checkpoints); all arrays are float32 on the device given
 * at construction.
 *
 * <p>LM head: with {@code tie_word_embeddings} the decoder output is rescaled by
 * {@code d_model^-0.5} and multiplied by the shared embedding (T5 1.0, LETTER-TIGER); otherwise a
 * separate {@code lm_head.weight} and no rescaling (T5 1.1, Flan-T5).
 *
 * <p>Memory: every public forward runs in an {@link NDScope}; intermediates are closed before
 * returning (PyTorch's autograd keeps what backward needs) and the result is attached to the
 * manager of the input ids and registered with the caller's scope, if any.
 *
 * <p>Shapes: B batch, S encoder length, T decoder length, d model width, V vocabulary.
 */
public final class T5Model extends AbstractBlock implements Seq2SeqModel, AutoCloseable {
    /** Metadata key of the provenance JSON in model.safetensors. */
    public static final String PROVENANCE_KEY = "siit.provenance";
    /** Metadata key of our checkpoint format version. */
    public static final String FORMAT_KEY = "siit.format_version";
    public static final String FORMAT_VERSION = "1";
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";

    private T5Config config;
    private final NDManager manager;
    /** (V, d) token embedding shared by encoder, decoder and (when tied) the LM head. */
    final Parameter shared;
    final T5Stack encoder;
    final T5Stack decoder;
    /** (V, d) untied LM head; null when tied. */
    final Parameter lmHead;
    private Map<String, String> provenance = Map.of();
    /** Dropout masks of training forwards; {@link #reseedDropout} makes them reproducible. */
    private final DropoutNoise dropoutNoise = new DropoutNoise(0);

    private T5Model(T5Config config, Device device) {
        this.config = config;
        this.manager = NDManager.newBaseManager(device);
        shared = addParameter(T5FeedForward.weight("shared.weight"));
        encoder = addChildBlock("encoder", T5Stack.encoder(config, dropoutNoise));
        decoder = addChildBlock("decoder", T5Stack.decoder(config, dropoutNoise));
        lmHead = config.tieWordEmbeddings() ? null : addParameter(T5FeedForward.weight("lm_head.weight"));
    }

    /** A randomly initialised model (Hugging Face's {@code _init_weights}); same seed, same weights. */
    public static T5Model create(T5Config config, long seed, Device device) {
        T5Model m = new T5Model(config, device);
        SplittableRandom root = new SplittableRandom(seed);
        for (T5ParameterTable.Entry e : T5ParameterTable.of(m)) {
            // one split per entry in table order: a weight's values do not depend on the others' sizes
            m.assign(e.parameter(), e.unitGain() ? ones(e.shape()) : normal(root.split(), e.shape(), e.initStd()), e.shape());
        }
        return m;
    }

    public static T5Model create(T5Config config, long seed) {
        return create(config, seed, Device.cpu());
    }

    /** Loads config.json and model.safetensors of a Hugging Face T5 directory (or one we saved). */
    public static T5Model load(Path dir, Device device) {
        T5Config config = T5Config.load(dir.resolve(CONFIG_FILE));
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            throw new InputException("no " + WEIGHTS_FILE + " in " + dir
                    + " (only safetensors checkpoints are read, not pytorch_model.bin)");
        }
        SafeTensors.Contents contents = SafeTensors.read(weights);
        String version = contents.metadata().get(FORMAT_KEY);
        if (version != null && !FORMAT_VERSION.equals(version)) {
            throw new InputException(weights + " has " + FORMAT_KEY + " " + version + "; this build reads version "
                    + FORMAT_VERSION);
        }
        T5Model m = new T5Model(config, device);
        m.assignAll(contents.tensors(), weights);
        m.provenance = contents.metadata();
        return m;
    }

    public static T5Model load(Path dir) {
        return load(dir, Device.cpu());
    }

    /**
     * Sets every parameter from {@code tensors} by Hugging Face name. Fails, naming the file,
     * on a missing key, an unused key or a shape mismatch; nothing is assigned in that case.
     */
    private void assignAll(Map<String, SafeTensors.Tensor> tensors, Path source) {
        Map<String, SafeTensors.Tensor> unused = new LinkedHashMap<>(tensors);
        Shape embedding = new Shape(config.vocabSize(), config.dModel());
        // tied copies of the embedding that Hugging Face exports may carry: checked, then dropped
        List<String> tiedCopies = new java.util.ArrayList<>(T5ParameterTable.TIED_COPIES);
        if (config.tieWordEmbeddings()) {
            tiedCopies.add("lm_head.weight");
        }
        for (String alias : tiedCopies) {
            SafeTensors.Tensor t = unused.remove(alias);
            if (t != null) {
                checkShape(source, alias, t.shape(), embedding);
            }
        }
        Map<T5ParameterTable.Entry, SafeTensors.Tensor> chosen = new LinkedHashMap<>();
        for (T5ParameterTable.Entry e : T5ParameterTable.of(this)) {
            SafeTensors.Tensor t = tensors.get(e.name());
            if (t == null && e.name().equals("shared.weight")) {
                t = tensors.get("encoder.embed_tokens.weight"); // exports that keep only the stack copies
            }
            if (t == null) {
                throw new InputException(source + " has no tensor " + e.name() + " (its " + CONFIG_FILE + " asks for it)");
            }
            checkShape(source, e.name(), t.shape(), e.shape());
            unused.remove(e.name());
            chosen.put(e, t);
        }
        if (!unused.isEmpty()) {
            throw new InputException(source + " has tensors this T5 config does not use: "
                    + String.join(", ", unused.keySet().stream().limit(5).toList())
                    + (unused.size() > 5 ? " and " + (unused.size() - 5) + " more" : ""));
        }
        chosen.forEach((e, t) -> assign(e.parameter(), t.data(), e.shape()));
    }

    private static void checkShape(Path source, String name, long[] actual, Shape expected) {
        if (!Arrays.equals(actual, expected.getShape())) {
            throw new InputException(source + ": tensor " + name + " has shape " + Arrays.toString(actual)
                    + " but the config needs " + Arrays.toString(expected.getShape()));
        }
    }

    /** Replaces a parameter's array by {@code values} (float32, row-major) of {@code shape}. */
    private void assign(Parameter p, FloatBuffer values, Shape shape) {
        // a FloatBuffer (heap or a view of the memory-mapped file) is copied by DJL into fresh
        // native memory, so the parameter never aliases the read-only map
        NDArray array = manager.create(values.duplicate(), shape);
        if (p.isInitialized()) {
            p.close(); // closes the old array
            p.setShape(null);
        }
        p.setArray(array);
        p.initialize(manager, DataType.FLOAT32); // array already set: only marks it as requiring a gradient
    }

    private static FloatBuffer ones(Shape shape) {
        float[] v = new float[Math.toIntExact(shape.size())];
        Arrays.fill(v, 1f);
        return FloatBuffer.wrap(v);
    }

    private static FloatBuffer normal(SplittableRandom random, Shape shape, double std) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return FloatBuffer.wrap(v);
    }

    /**
     * Appends rows to the token embedding (and the untied LM head) for new tokens, keeping the
     * existing rows: ids {@code 0 .. V-1} mean the same after as before. New rows are drawn like
     * Hugging Face's {@code _init_weights} ({@code N(0, initializer_factor)}) from {@code seed}.
     * Shrinking drops the last rows (like {@code resize_token_embeddings}). Call before creating
     * an optimiser: the parameter arrays are replaced.
     */
    public void resizeTokenEmbeddings(int newVocabSize, long seed) {
        int old = config.vocabSize();
        if (newVocabSize == old) {
            return;
        }
        T5Config next = config.withVocabSize(newVocabSize);
        SplittableRandom random = new SplittableRandom(seed);
        resizeRows(shared, old, newVocabSize, random.split());
        if (lmHead != null) {
            resizeRows(lmHead, old, newVocabSize, random.split());
        }
        config = next;
    }

    private void resizeRows(Parameter p, int oldRows, int newRows, SplittableRandom random) {
        int d = config.dModel();
        float[] values = new float[Math.multiplyExact(newRows, d)];
        float[] kept = p.getArray().toFloatArray();
        System.arraycopy(kept, 0, values, 0, Math.min(oldRows, newRows) * d);
        double std = config.initializerFactor();
        for (int i = oldRows * d; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        assign(p, FloatBuffer.wrap(values), new Shape(newRows, d));
    }

    /**
     * Writes config.json and model.safetensors (Hugging Face names, F32) into {@code dir}, each
     * atomically; {@code provenance} (config, data fingerprint, seed, commit, ...) goes into the
     * safetensors metadata as one JSON string under {@value #PROVENANCE_KEY}.
     */
    public void save(Path dir, Map<String, ?> provenanceFields) {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        for (T5ParameterTable.Entry e : T5ParameterTable.of(this)) {
            tensors.put(e.name(), SafeTensors.Tensor.of(e.shape().getShape(), e.parameter().getArray().toFloatArray()));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt"); // what transformers expects of a PyTorch safetensors file
        metadata.put(FORMAT_KEY, FORMAT_VERSION);
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("writer", "siit T5Model");
        prov.put("djl", ai.djl.engine.Engine.getDjlVersion());
        if (provenanceFields != null) {
            prov.putAll(provenanceFields);
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            metadata.put(PROVENANCE_KEY, new ObjectMapper().writeValueAsString(prov));
            SafeTensors.write(dir.resolve(WEIGHTS_FILE), tensors, metadata);
            AtomicFiles.writeString(dir.resolve(CONFIG_FILE), json.writeValueAsString(config.toJson()) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("provenance is not serialisable as JSON: " + e.getMessage(), e);
        }
    }

    public void save(Path dir) {
        save(dir, Map.of());
    }

    public T5Config config() {
        return config;
    }

    /** The safetensors metadata of the loaded checkpoint (empty for a fresh model). */
    public Map<String, String> provenance() {
        return provenance;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** Every parameter by its Hugging Face name (a view for tests and inspection). */
    public Map<String, Parameter> parametersByName() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (T5ParameterTable.Entry e : T5ParameterTable.of(this)) {
            m.put(e.name(), e.parameter());
        }
        return m;
    }

    // ---- Seq2SeqModel ---------------------------------------------------------------------

    @Override
    public Block block() {
        return this;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int decoderStartTokenId() {
        return config.decoderStartTokenId();
    }

    @Override
    public int eosTokenId() {
        return config.eosTokenId();
    }

    /** ids (..) int -> (.., d). */
    private NDArray embed(NDArray ids) {
        return ids.getNDArrayInternal().embedding(ids, shared.getArray(), SparseFormat.DENSE).head();
    }

    /** hidden (.., d) -> logits (.., V). */
    private NDArray lmLogits(NDArray hidden) {
        return Linear.linear(lmHeadInput(hidden), lmHeadWeight()).head();
    }

    /** The LM head's input: the decoder output, rescaled by d_model^-0.5 when the head is tied. */
    private NDArray lmHeadInput(NDArray hidden) {
        return lmHead == null
                ? hidden.mul(TrainableScalars.of(hidden.getManager(), (float) Math.pow(config.dModel(), -0.5)))
                : hidden;
    }

    /** (V, d): the shared embedding when tied, else the untied head. */
    private NDArray lmHeadWeight() {
        return (lmHead == null ? shared : lmHead).getArray();
    }

    @Override
    public NDArray encode(NDArray inputIds, NDArray attentionMask, boolean training) {
        return scoped(inputIds.getManager(), () -> encoder.encode(embed(inputIds), T5Stack.keyMaskBias(attentionMask), training));
    }

    @Override
    public NDArray decode(NDArray encoderHidden, NDArray attentionMask, NDArray decoderInputIds, boolean training) {
        return scoped(decoderInputIds.getManager(), () -> {
            NDArray hidden = decoder.decode(embed(decoderInputIds), encoderHidden,
                    T5Stack.keyMaskBias(attentionMask), training); // (B, T, d)
            return lmLogits(hidden); // (B, T, V)
        });
    }

    @Override
    public NDArray responseLoss(NDArray encoderHidden, NDArray attentionMask, NDArray decoderInputIds,
                                NDArray labels, NDArray labelMask, boolean training) {
        return scoped(decoderInputIds.getManager(), () -> {
            NDArray hidden = decoder.decode(embed(decoderInputIds), encoderHidden,
                    T5Stack.keyMaskBias(attentionMask), training); // (B, T, d)
            return TokenCrossEntropy.ofLinearHead(lmHeadInput(hidden), lmHeadWeight(), labels, labelMask);
        });
    }

    @Override
    public void reseedDropout(long seed) {
        dropoutNoise.reseed(seed);
    }

    @Override
    public DecoderCache newCache(NDArray encoderHidden, NDArray attentionMask) {
        T5DecoderCache cache = new T5DecoderCache(encoderHidden.getManager());
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            cache.setCrossKeyMask(T5Stack.keyMaskBias(attentionMask)); // (N, 1, 1, S)
            for (T5DecoderBlock b : decoder.decoderBlocks) {
                // (N, H, S, d_kv) each, projected once for all steps
                cache.addLayer(b.crossAttention.keys(encoderHidden), b.crossAttention.values(encoderHidden));
            }
        }
        return cache;
    }

    @Override
    public NDArray step(DecoderCache cache, NDArray tokens) {
        T5DecoderCache c = (T5DecoderCache) cache;
        NDArray logits = scoped(tokens.getManager(), () -> {
            long n = tokens.getShape().get(0);
            NDArray hidden = decoder.step(embed(tokens.reshape(n, 1)), c); // (N, 1, d)
            return lmLogits(hidden).reshape(n, config.vocabSize()); // (N, V)
        });
        c.advance();
        return logits;
    }

    @Override
    public NDArray step(DecoderCache cache, NDArray tokens, NDArray columns) {
        T5DecoderCache c = (T5DecoderCache) cache;
        NDArray logits = scoped(tokens.getManager(), () -> {
            long n = tokens.getShape().get(0);
            NDArray hidden = decoder.step(embed(tokens.reshape(n, 1)), c).reshape(n, config.dModel()); // (N, d)
            NDArray w = lmHeadWeight().get(new NDIndex("{}", columns)); // (U, d)
            return lmHeadInput(hidden).matMul(w.transpose()); // (N, U)
        });
        c.advance();
        return logits;
    }

    /**
     * Runs {@code body} in an NDScope that closes every intermediate array, then hands the result
     * to {@code owner} and to the caller's scope.
     */
    private static NDArray scoped(NDManager owner, java.util.function.Supplier<NDArray> body) {
        NDArray result;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            result = body.get();
            NDScope.unregister(result);
        }
        result.attach(owner);
        NDScope.register(result);
        return result;
    }

    // ---- DJL Block plumbing ----------------------------------------------------------------

    /** inputs: inputIds (B, S), attentionMask (B, S), decoderInputIds (B, T) -> logits (B, T, V). */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = encode(inputs.get(0), inputs.get(1), training);
        return new NDList(decode(hidden, inputs.get(1), inputs.get(2), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape dec = inputShapes[2];
        return new Shape[] {new Shape(dec.get(0), dec.get(1), config.vocabSize())};
    }

    /** Number of scalar parameters (tied weights counted once). */
    public long parameterCount() {
        long n = 0;
        for (T5ParameterTable.Entry e : T5ParameterTable.of(this)) {
            n += e.shape().size();
        }
        return n;
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "T5Model" + config;
    }
}
