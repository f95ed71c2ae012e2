package dev.siit.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interactions as read from a source, before filtering: original ids, in file order, with an
 * optional timestamp. {@link #chronological()} orders each user's items by (timestamp, position
 * in the file), which is how ties are broken.
 */
public final class RawInteractions {
    private final List<String> users = new ArrayList<>();
    private final List<String> items = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();
    private final Map<String, ItemText> texts = new LinkedHashMap<>();

    /** Adds one interaction; {@code timestamp} may be 0 when the source is already ordered. */
    public void add(String user, String item, long timestamp) {
        users.add(user);
        items.add(item);
        times.add(timestamp);
    }

    public void putText(String item, ItemText text) {
        texts.put(item, text);
    }

    public Map<String, ItemText> texts() {
        return texts;
    }

    public int size() {
        return users.size();
    }

    /** user -> original item ids in chronological order; users in order of first appearance. */
    public LinkedHashMap<String, List<String>> chronological() {
        LinkedHashMap<String, List<Integer>> rows = new LinkedHashMap<>();
        for (int r = 0; r < users.size(); r++) {
            rows.computeIfAbsent(users.get(r), k -> new ArrayList<>()).add(r);
        }
        LinkedHashMap<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : rows.entrySet()) {
            List<Integer> rs = e.getValue();
            // stable sort: equal timestamps keep file order
            rs.sort((a, b) -> Long.compare(times.get(a), times.get(b)));
            List<String> seq = new ArrayList<>(rs.size());
            for (int r : rs) {
                seq.add(items.get(r));
            }
            out.put(e.getKey(), seq);
        }
        return out;
    }
}
