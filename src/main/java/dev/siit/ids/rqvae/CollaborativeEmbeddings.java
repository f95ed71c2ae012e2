package dev.siit.ids.rqvae;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.io.InputException;
import dev.siit.io.NpyMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collaborative item embeddings (e.g. SASRec's item table) for LETTER's collaborative
 * regulariser, in one of two forms:
 * <ul>
 *   <li>{@code NAME.npy}: float32 (or float64), C order, shape (items, dim), plus a sibling
 *       {@code NAME.items.json}, a JSON array of the ORIGINAL item ids of the rows in order
 *       (for {@code item-embeddings.npy}: {@code item-embeddings.items.json});</li>
 *   <li>{@code NAME.json}: {@code {"items": ["id", ...], "embeddings": [[...], ...]}}.</li>
 * </ul>
 * Every item of the dataset must have a row; rows of ids the dataset does not have are refused
 * (they mean the embeddings were trained on other data). Row order is free: rows are matched by id.
 */
public final class CollaborativeEmbeddings {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CollaborativeEmbeddings() {
    }

    /** Rows for {@code itemIds} (dense order), shape (items, dim). */
    public static float[][] read(Path file, List<String> itemIds) {
        if (!Files.exists(file)) {
            throw new InputException("no such collaborative embedding file: " + file
                    + " (siit baseline --model sasrec --run NAME writes RUNS/NAME/sasrec/item-embeddings.npy)");
        }
        String name = file.getFileName().toString();
        List<String> ids;
        float[][] rows;
        if (name.endsWith(".npy")) {
            Path idsFile = file.resolveSibling(name.substring(0, name.length() - 4) + ".items.json");
            ids = readIdList(idsFile);
            rows = NpyMatrix.read(file).toRows(); // float32, or float64 rounded
            if (rows.length != ids.size()) {
                throw new InputException(file + " has " + rows.length + " rows but " + idsFile + " lists " + ids.size()
                        + " item ids");
            }
        } else {
            JsonNode root = readJson(file);
            JsonNode items = root.get("items");
            JsonNode emb = root.get("embeddings");
            if (items == null || !items.isArray() || emb == null || !emb.isArray()) {
                throw new InputException(file + ": expected {\"items\": [...], \"embeddings\": [[...], ...]}");
            }
            ids = new ArrayList<>();
            items.forEach(n -> ids.add(n.asText()));
            if (emb.size() != ids.size()) {
                throw new InputException(file + ": field embeddings has " + emb.size() + " rows for " + ids.size() + " items");
            }
            rows = new float[emb.size()][];
            for (int i = 0; i < emb.size(); i++) {
                JsonNode r = emb.get(i);
                if (!r.isArray() || r.isEmpty() || (i > 0 && r.size() != rows[0].length)) {
                    throw new InputException(file + ": field embeddings row " + i + " is not a vector of the common dimension");
                }
                rows[i] = new float[r.size()];
                for (int d = 0; d < r.size(); d++) {
                    if (!r.get(d).isNumber()) {
                        throw new InputException(file + ": field embeddings row " + i + " holds a non-number");
                    }
                    rows[i][d] = (float) r.get(d).asDouble();
                }
            }
        }
        Map<String, Integer> dense = new HashMap<>();
        for (int i = 0; i < itemIds.size(); i++) {
            dense.put(itemIds.get(i), i);
        }
        float[][] out = new float[itemIds.size()][];
        for (int k = 0; k < ids.size(); k++) {
            Integer i = dense.get(ids.get(k));
            if (i == null) {
                throw new InputException(file + ": item id \"" + ids.get(k) + "\" (row " + k
                        + ") is not an item of the dataset; were the embeddings trained on other data?");
            }
            out[i] = rows[k];
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                missing.add(itemIds.get(i));
            }
        }
        if (!missing.isEmpty()) {
            throw new InputException(file + ": " + missing.size() + " items of the dataset have no embedding, e.g. "
                    + missing.subList(0, Math.min(5, missing.size())));
        }
        return out;
    }

    private static List<String> readIdList(Path f) {
        if (!Files.exists(f)) {
            throw new InputException("the .npy embeddings need their item order in " + f + " (a JSON array of item ids)");
        }
        JsonNode root = readJson(f);
        if (!root.isArray()) {
            throw new InputException(f + ": expected a JSON array of item ids");
        }
        List<String> ids = new ArrayList<>();
        root.forEach(n -> ids.add(n.asText()));
        return ids;
    }

    private static JsonNode readJson(Path f) {
        try {
            return JSON.readTree(f.toFile());
        } catch (JsonProcessingException e) {
            throw new InputException(f + " line " + e.getLocation().getLineNr() + ": malformed JSON", e);
        } catch (IOException e) {
            throw new InputException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }
}
