package dev.siit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.data.InteractionDataset;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The identifiers a {@code --ids} option names: an {@code .index.json} file (LETTER format,
 * {@code {"item id": ["<a_1>", "<b_2>", ...]}}) or a built-in simple scheme:
 * {@code sid} (sequential indexing: items numbered from 1001 in order of first appearance in the
 * training sequences, one token per decimal digit, the level letter being the digit position)
 * or {@code iid} (one token {@code <a_n>} per item).
 *
 * <p>Minimal readers kept private to the CLI until the ids package's full indexers and
 * {@code IndexFile} are merged; they follow the same conventions.
 */
final class IdentifierSchemes {
    private IdentifierSchemes() {
    }

    static ItemIdentifiers resolve(String spec, InteractionDataset data, int[][] trainSequences) {
        return switch (spec) {
            case "sid" -> sequential(data, trainSequences, 1001);
            case "iid" -> independent(data);
            default -> readIndex(Path.of(spec), data);
        };
    }

    /** Level letter of position p: a, b, c, ... */
    static String token(int level, int code) {
        return "<" + (char) ('a' + level) + "_" + code + ">";
    }

    static ItemIdentifiers sequential(InteractionDataset data, int[][] trainSequences, int start) {
        int n = data.numItems();
        int[] rank = new int[n];
        java.util.Arrays.fill(rank, -1);
        int next = 0;
        for (int[] s : trainSequences) {
            for (int item : s) {
                if (rank[item] < 0) {
                    rank[item] = next++;
                }
            }
        }
        for (int i = 0; i < n; i++) { // items seen only in held-out positions come last
            if (rank[i] < 0) {
                rank[i] = next++;
            }
        }
        int width = String.valueOf(start + n - 1).length();
        List<List<String>> tokens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String digits = String.format("%0" + width + "d", start + rank[i]);
            List<String> t = new ArrayList<>(width);
            for (int p = 0; p < width; p++) {
                t.add(token(p, digits.charAt(p) - '0'));
            }
            tokens.add(t);
        }
        return new ItemIdentifiers(tokens);
    }

    static ItemIdentifiers independent(InteractionDataset data) {
        List<List<String>> tokens = new ArrayList<>(data.numItems());
        for (int i = 0; i < data.numItems(); i++) {
            tokens.add(List.of(token(0, i)));
        }
        return new ItemIdentifiers(tokens);
    }

    static ItemIdentifiers readIndex(Path file, InteractionDataset data) {
        if (!Files.isRegularFile(file)) {
            throw new InputException("--ids must be sid, iid or an .index.json file; no such file: " + file);
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new InputException("cannot parse index file " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InputException("index file " + file + " must be a JSON object of item id -> token list");
        }
        Map<String, List<String>> byId = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw new InputException("index file " + file + ": item " + e.getKey() + " has no token list");
            }
            List<String> t = new ArrayList<>();
            for (JsonNode tok : e.getValue()) {
                String s = tok.asText();
                if (!s.matches("<[a-z]_[0-9]+>")) {
                    throw new InputException("index file " + file + ": item " + e.getKey() + " has token '" + s
                            + "', expected the form <a_12>");
                }
                t.add(s);
            }
            byId.put(e.getKey(), t);
        }
        List<List<String>> tokens = new ArrayList<>(data.numItems());
        for (String id : data.itemIds()) {
            List<String> t = byId.get(id);
            if (t == null) {
                throw new InputException("index file " + file + " has no identifier for item " + id + " of dataset "
                        + data.name());
            }
            tokens.add(t);
        }
        return new ItemIdentifiers(tokens);
    }
}
