package dev.siit.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.OptionalInt;

/**
 * A validated {@code POST /recommend} body: {@code {"history": [ids], "k": 10}}.
 *
 * @param history   dense item indices of the most recent {@code maxHistory} items, oldest first
 * @param k         how many items to return, 1..{@link #MAX_K}
 * @param sent      how many items the client sent (more than {@code history.length} when cut)
 */
public record RecommendRequest(int[] history, int k, int sent) {
    public static final int DEFAULT_K = 10;
    public static final int MAX_K = 100;
    /** Longer histories are refused outright; up to this many are accepted and cut to H. */
    public static final int MAX_SENT_HISTORY = 1000;

    public boolean truncated() {
        return sent > history.length;
    }

    /**
     * Validates {@code body} against the catalogue; item ids may be JSON strings or integers and
     * must name catalogue items. Every item is checked, also those that will be cut.
     *
     * @throws ApiException (400) naming the first field at fault
     */
    public static RecommendRequest parse(JsonNode body, ItemCatalog catalog, int maxHistory) {
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "body", "the body must be a JSON object {\"history\": [item ids], \"k\": 10}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("history") && !f.equals("k")) {
                throw new ApiException(400, f, "unknown field '" + f + "'; expected history and k");
            }
        }
        JsonNode h = body.get("history");
        if (h == null || h.isNull()) {
            throw new ApiException(400, "history", "history is missing: give the item ids the user interacted with, oldest first");
        }
        if (!h.isArray()) {
            throw new ApiException(400, "history", "history must be an array of item ids");
        }
        if (h.isEmpty()) {
            throw new ApiException(400, "history", "history is empty: give at least one item id");
        }
        if (h.size() > MAX_SENT_HISTORY) {
            throw new ApiException(400, "history", "history has " + h.size() + " items; at most " + MAX_SENT_HISTORY
                    + " are accepted (the model reads the last " + maxHistory + ")");
        }
        int[] dense = new int[h.size()];
        for (int i = 0; i < h.size(); i++) {
            JsonNode e = h.get(i);
            String field = "history[" + i + "]";
            String id;
            if (e.isTextual()) {
                id = e.textValue();
            } else if (e.isIntegralNumber()) {
                id = e.bigIntegerValue().toString();
            } else {
                throw new ApiException(400, field, field + " must be an item id (a string or an integer), got " + e.getNodeType().name().toLowerCase());
            }
            OptionalInt idx = catalog.indexOf(id);
            if (idx.isEmpty()) {
                throw new ApiException(400, field, field + ": unknown item id '" + abbreviate(id) + "'");
            }
            dense[i] = idx.getAsInt();
        }
        int k = DEFAULT_K;
        JsonNode kn = body.get("k");
        if (kn != null && !kn.isNull()) {
            if (!kn.isIntegralNumber() || !kn.canConvertToInt()) {
                throw new ApiException(400, "k", "k must be a whole number between 1 and " + MAX_K);
            }
            k = kn.intValue();
            if (k < 1 || k > MAX_K) {
                throw new ApiException(400, "k", "k must be between 1 and " + MAX_K + ", got " + k);
            }
        }
        int[] used = dense.length > maxHistory ? Arrays.copyOfRange(dense, dense.length - maxHistory, dense.length) : dense;
        return new RecommendRequest(used, k, dense.length);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
