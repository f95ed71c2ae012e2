package dev.siit.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The T5 SentencePiece tokenizer (Hugging Face {@code tokenizer.json}, loaded offline) plus the
 * item tokens {@code <a_12>}, {@code <b_7>}, ... of the identifiers, each one new id.
 *
 * <p>Item-token ids start right after the tokenizer's own vocabulary (32,100 for T5: 32,000
 * pieces and 100 sentinels), in the order given, exactly as Hugging Face's
 * {@code tokenizer.add_tokens} numbers them; so a Python implementation with the same added
 * tokens produces the same ids, and {@link #vocabSize()} is what
 * {@code model.resize_token_embeddings(len(tokenizer))} would use. (T5 checkpoints pad their
 * embedding to 32,128 rows; rows 32,100..32,127 are never produced by the tokenizer, and
 * resizing to {@link #vocabSize()} reuses them for the first new tokens, as HF does.)
 *
 * <p>Encoding splits the text on the item-token pattern, tokenizes the text pieces with the
 * Hugging Face tokenizer without special tokens, maps item tokens to their ids and appends EOS.
 * Text pieces repeat (template sentences, ", ") so their ids are cached, and a batch sends all
 * uncached pieces to the native tokenizer in one call.
 */
public final class ItemTokenizer implements AutoCloseable {
    /** Any item token: a level letter and a code, {@code <a_12>}. */
    public static final Pattern ITEM_TOKEN = Pattern.compile("<[a-z]_[0-9]+>");
    private static final int CACHE_LIMIT = 200_000;

    private final HuggingFaceTokenizer tokenizer;
    private final Path source;
    /** Base vocabulary pieces by id ({@code ▁This}, {@code <extra_id_0>}, ...). */
    private final String[] pieces;
    private final Map<String, Integer> itemIds = new LinkedHashMap<>();
    private final List<String> itemTokens = new ArrayList<>();
    private final Map<String, int[]> pieceCache = new ConcurrentHashMap<>();
    private final int eosId;
    private final int padId;

    private ItemTokenizer(HuggingFaceTokenizer tokenizer, Path source, String[] pieces, Collection<String> items) {
        this.tokenizer = tokenizer;
        this.source = source;
        this.pieces = pieces;
        this.eosId = indexOf(pieces, "</s>", 1);
        this.padId = indexOf(pieces, "<pad>", 0);
        for (String t : items) {
            if (!ITEM_TOKEN.matcher(t).matches()) {
                throw new InputException("item token '" + t + "' does not look like <x_k> (a letter, _, a number)");
            }
            if (!itemIds.containsKey(t)) {
                itemIds.put(t, pieces.length + itemTokens.size());
                itemTokens.add(t);
            }
        }
    }

    private static int indexOf(String[] pieces, String piece, int fallback) {
        for (int i = 0; i < Math.min(pieces.length, 10); i++) {
            if (pieces[i].equals(piece)) {
                return i;
            }
        }
        return fallback;
    }

    /**
     * Loads {@code tokenizer.json} from {@code path} (the file or its folder) and appends
     * {@code itemTokens} (duplicates ignored, first occurrence fixes the id).
     */
    public static ItemTokenizer load(Path path, Collection<String> itemTokens) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new InputException("no tokenizer.json at " + path);
        }
        String[] pieces;
        try {
            JsonNode vocab = new ObjectMapper().readTree(file.toFile()).path("model").path("vocab");
            if (!vocab.isArray() || vocab.isEmpty()) {
                throw new InputException(file + " has no model.vocab list (only Unigram tokenizers such as T5's are supported)");
            }
            pieces = new String[vocab.size()];
            for (int i = 0; i < pieces.length; i++) {
                pieces[i] = vocab.get(i).get(0).asText();
            }
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            return new ItemTokenizer(hf, file, pieces, itemTokens);
        } catch (IOException | RuntimeException e) {
            throw new InputException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    /** File listing a checkpoint's item tokens in id order, one per line. */
    public static final String ITEM_TOKENS_FILE = "item_tokens.txt";

    /**
     * The tokenizer of a checkpoint directory: its own {@code tokenizer.json} if it has one
     * (else {@code fallbackTokenizer}), plus the item tokens listed in its
     * {@value #ITEM_TOKENS_FILE}, if any, in that order.
     */
    public static ItemTokenizer forCheckpoint(Path dir, Path fallbackTokenizer) {
        Path own = dir.resolve("tokenizer.json");
        Path list = dir.resolve(ITEM_TOKENS_FILE);
        List<String> items = new ArrayList<>();
        if (Files.isRegularFile(list)) {
            try {
                for (String line : Files.readAllLines(list)) {
                    if (!line.isBlank()) {
                        items.add(line.strip());
                    }
                }
            } catch (IOException e) {
                throw new InputException("cannot read " + list + ": " + e.getMessage(), e);
            }
        }
        return load(Files.isRegularFile(own) ? own : fallbackTokenizer, items);
    }

    /** Writes {@value #ITEM_TOKENS_FILE} into {@code dir} atomically, so the ids can be rebuilt. */
    public void saveItemTokens(Path dir) {
        dev.siit.io.AtomicFiles.writeString(dir.resolve(ITEM_TOKENS_FILE),
                itemTokens.isEmpty() ? "" : String.join("\n", itemTokens) + "\n");
    }

    /** Size of the tokenizer's own vocabulary; the first item-token id. */
    public int baseVocabSize() {
        return pieces.length;
    }

    /** Base vocabulary + item tokens: the embedding rows the model needs. */
    public int vocabSize() {
        return pieces.length + itemTokens.size();
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    public Path source() {
        return source;
    }

    public List<String> itemTokens() {
        return List.copyOf(itemTokens);
    }

    /** The id of an item token; fails clearly on a token that was never added. */
    public int itemId(String token) {
        Integer id = itemIds.get(token);
        if (id == null) {
            throw new InputException("unknown item token " + token + " (not in the identifier vocabulary)");
        }
        return id;
    }

    /** Token ids of {@code text} followed by EOS. */
    public int[] encode(String text) {
        return encodeBatch(List.of(text)).get(0);
    }

    /** Token ids of each text, each followed by EOS. */
    public List<int[]> encodeBatch(List<String> texts) {
        List<List<Object>> parts = new ArrayList<>(texts.size()); // String (text piece) or Integer (item id)
        Map<String, int[]> missing = new HashMap<>();
        for (String text : texts) {
            List<Object> p = split(text);
            for (Object o : p) {
                if (o instanceof String s && !pieceCache.containsKey(s)) {
                    missing.put(s, null);
                }
            }
            parts.add(p);
        }
        if (!missing.isEmpty()) {
            List<String> todo = new ArrayList<>(missing.keySet());
            Encoding[] enc = tokenizer.batchEncode(todo, false, false);
            for (int i = 0; i < enc.length; i++) {
                long[] ids = enc[i].getIds();
                int[] v = new int[ids.length];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (int) ids[j];
                }
                missing.put(todo.get(i), v);
                if (pieceCache.size() < CACHE_LIMIT) {
                    pieceCache.put(todo.get(i), v);
                }
            }
        }
        List<int[]> out = new ArrayList<>(texts.size());
        for (List<Object> p : parts) {
            int n = 1;
            for (Object o : p) {
                n += o instanceof Integer ? 1 : ids(o, missing).length;
            }
            int[] ids = new int[n];
            int k = 0;
            for (Object o : p) {
                if (o instanceof Integer id) {
                    ids[k++] = id;
                } else {
                    int[] v = ids(o, missing);
                    System.arraycopy(v, 0, ids, k, v.length);
                    k += v.length;
                }
            }
            ids[k] = eosId;
            out.add(ids);
        }
        return out;
    }

    private int[] ids(Object piece, Map<String, int[]> fresh) {
        int[] v = pieceCache.get(piece);
        return v != null ? v : fresh.get(piece);
    }

    /** Text pieces (String, blank ones dropped) and item-token ids (Integer), in order. */
    private List<Object> split(String text) {
        List<Object> parts = new ArrayList<>();
        Matcher m = ITEM_TOKEN.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                addPiece(parts, text.substring(last, m.start()));
            }
            parts.add(itemId(m.group()));
            last = m.end();
        }
        if (last < text.length()) {
            addPiece(parts, text.substring(last));
        }
        return parts;
    }

    private static void addPiece(List<Object> parts, String piece) {
        if (!piece.isBlank()) {
            parts.add(piece);
        }
    }

    /** The vocabulary entry of one id: a SentencePiece ({@code ▁bought}) or an item token. */
    public String token(int id) {
        if (id >= 0 && id < pieces.length) {
            return pieces[id];
        }
        if (id >= pieces.length && id < vocabSize()) {
            return itemTokens.get(id - pieces.length);
        }
        throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + vocabSize());
    }

    /**
     * Text of {@code ids}: runs of base ids decoded by the Hugging Face tokenizer (special tokens
     * dropped), item tokens written as themselves.
     */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        List<Long> run = new ArrayList<>();
        for (int id : ids) {
            if (id >= pieces.length) {
                flush(sb, run);
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '>' && sb.charAt(sb.length() - 1) != ' ') {
                    sb.append(' ');
                }
                sb.append(token(id));
            } else {
                run.add((long) id);
            }
        }
        flush(sb, run);
        return sb.toString();
    }

    private void flush(StringBuilder sb, List<Long> run) {
        if (run.isEmpty()) {
            return;
        }
        long[] ids = run.stream().mapToLong(Long::longValue).toArray();
        String text = tokenizer.decode(ids, true);
        if (!text.isEmpty()) {
            if (sb.length() > 0 && Character.isLetterOrDigit(text.codePointAt(0))) {
                sb.append(' ');
            }
            sb.append(text);
        }
        run.clear();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
