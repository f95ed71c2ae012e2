package dev.siit.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interactions as read from a source, before filtering: original ids, in file order, with an
 * optional timestamp. {@link #chronological()} orders each user's items by (timestamp, position
 * in the file), which is how ties are broken.
 *
 * <p>Rows are kept in primitive arrays (user and item ids interned to ints) so sources with
 * millions of rows load without boxing every field.
 */
public final class RawInteractions {
    private final Map<String, Integer> userIndex = new HashMap<>();
    private final List<String> userNames = new ArrayList<>();
    private final Map<String, Integer> itemIndex = new HashMap<>();
    private final List<String> itemNames = new ArrayList<>();
    private int[] userOf = new int[1024];
    private int[] itemOf = new int[1024];
    private long[] times = new long[1024];
    private int size;
    private final Map<String, ItemText> texts = new LinkedHashMap<>();

    /** Adds one interaction; {@code timestamp} may be a running position when the source is already ordered. */
    public void add(String user, String item, long timestamp) {
        if (size == times.length) {
            int cap = size * 2;
            userOf = Arrays.copyOf(userOf, cap);
            itemOf = Arrays.copyOf(itemOf, cap);
            times = Arrays.copyOf(times, cap);
        }
        userOf[size] = intern(user, userIndex, userNames);
        itemOf[size] = intern(item, itemIndex, itemNames);
        times[size] = timestamp;
        size++;
    }

    private static int intern(String id, Map<String, Integer> index, List<String> names) {
        Integer i = index.get(id);
        if (i == null) {
            i = names.size();
            index.put(id, i);
            names.add(id);
        }
        return i;
    }

    public void putText(String item, ItemText text) {
        texts.put(item, text);
    }

    public Map<String, ItemText> texts() {
        return texts;
    }

    public int size() {
        return size;
    }

    /** user -> original item ids in chronological order; users in order of first appearance. */
    public LinkedHashMap<String, List<String>> chronological() {
        int numUsers = userNames.size();
        // rows grouped by user (CSR layout), each group in file order
        int[] start = new int[numUsers + 1];
        for (int r = 0; r < size; r++) {
            start[userOf[r] + 1]++;
        }
        for (int u = 0; u < numUsers; u++) {
            start[u + 1] += start[u];
        }
        int[] rows = new int[size];
        int[] fill = Arrays.copyOf(start, numUsers);
        for (int r = 0; r < size; r++) {
            rows[fill[userOf[r]]++] = r;
        }
        LinkedHashMap<String, List<String>> out = new LinkedHashMap<>(numUsers * 2);
        for (int u = 0; u < numUsers; u++) {
            int from = start[u];
            int to = start[u + 1];
            if (!nonDecreasing(rows, from, to)) {
                // stable sort by time: equal timestamps keep file order
                Integer[] boxed = new Integer[to - from];
                for (int i = from; i < to; i++) {
                    boxed[i - from] = rows[i];
                }
                Arrays.sort(boxed, (a, b) -> Long.compare(times[a], times[b]));
                for (int i = from; i < to; i++) {
                    rows[i] = boxed[i - from];
                }
            }
            List<String> seq = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                seq.add(itemNames.get(itemOf[rows[i]]));
            }
            out.put(userNames.get(u), seq);
        }
        return out;
    }

    private boolean nonDecreasing(int[] rows, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            if (times[rows[i]] < times[rows[i - 1]]) {
                return false;
            }
        }
        return true;
    }
}
