package dev.siit.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Iterative k-core filter: repeatedly drops users and items with fewer than k interactions
 * until every remaining user and item has at least k. Counts are interactions, so a user who
 * interacted with one item twice counts twice (as in the usual RecBole / LETTER preprocessing).
 */
public final class KCoreFilter {
    private KCoreFilter() {
    }

    /** Returns a filtered copy; {@code k <= 1} returns the input unchanged (empty users dropped). */
    public static LinkedHashMap<String, List<String>> apply(LinkedHashMap<String, List<String>> sequences, int k) {
        LinkedHashMap<String, List<String>> cur = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : sequences.entrySet()) {
            if (!e.getValue().isEmpty()) {
                cur.put(e.getKey(), new ArrayList<>(e.getValue()));
            }
        }
        if (k <= 1) {
            return cur;
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<String, Integer> itemCount = new HashMap<>();
            for (List<String> s : cur.values()) {
                for (String i : s) {
                    itemCount.merge(i, 1, Integer::sum);
                }
            }
            Iterator<Map.Entry<String, List<String>>> it = cur.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, List<String>> e = it.next();
                List<String> s = e.getValue();
                if (s.removeIf(i -> itemCount.get(i) < k)) {
                    changed = true;
                }
                if (s.size() < k) {
                    it.remove();
                    changed = true;
                }
            }
        }
        return cur;
    }
}
