package dev.siit.serve;

import dev.siit.data.InteractionDataset;
import dev.siit.data.ItemText;
import dev.siit.ids.ItemIdentifiers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The items a server can name: original id (as in the source data) to dense index and back,
 * titles, identifiers and training popularity, plus a title search for building histories.
 */
public final class ItemCatalog {

    /** One item as the API shows it; {@code title} and {@code identifier} may be null. */
    public record Item(int index, String id, String title, String identifier, int popularity) {
    }

    private final List<Item> items;
    private final Map<String, Integer> byId;
    private final String[] lowerTitles; // lower-cased titles, "" when an item has none

    private ItemCatalog(List<Item> items) {
        this.items = List.copyOf(items);
        this.byId = new HashMap<>(items.size() * 2);
        this.lowerTitles = new String[items.size()];
        for (Item it : items) {
            byId.put(it.id(), it.index());
            lowerTitles[it.index()] = it.title() == null ? "" : it.title().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Builds the catalogue of {@code data}.
     *
     * @param train       training sequences (e.g. {@code LeaveOneOutSplit.train()}); item
     *                    popularity, used to order search results, counts only these
     * @param identifiers identifiers per dense item, or null when the recommender has none
     */
    public static ItemCatalog of(InteractionDataset data, int[][] train, ItemIdentifiers identifiers) {
        if (identifiers != null && identifiers.numItems() != data.numItems()) {
            throw new IllegalArgumentException(identifiers.numItems() + " identifiers for " + data.numItems() + " items");
        }
        int[] popularity = new int[data.numItems()];
        for (int[] s : train) {
            for (int i : s) {
                popularity[i]++;
            }
        }
        List<Item> items = new ArrayList<>(data.numItems());
        for (int i = 0; i < data.numItems(); i++) {
            ItemText t = data.itemTexts().get(i);
            String title = t == null || t.title().isEmpty() ? null : t.title();
            items.add(new Item(i, data.itemIds().get(i), title,
                    identifiers == null ? null : identifiers.joined(i), popularity[i]));
        }
        return new ItemCatalog(items);
    }

    public int size() {
        return items.size();
    }

    public Item get(int index) {
        return items.get(index);
    }

    /** Dense index of the item with original id {@code id}, if it is in the catalogue. */
    public OptionalInt indexOf(String id) {
        Integer i = byId.get(id);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /**
     * Items whose title contains {@code query} (case-insensitive), or whose id equals it, at most
     * {@code limit}. Ranked by how well the title matches: id or whole title equal, then title
     * starts with the query, then the query starts a word, then anywhere; finally items whose
     * title holds every word of the query in any order. Within a tier the more popular item (in
     * training) comes first, then the lower index, so the order is deterministic.
     */
    public List<Item> search(String query, int limit) {
        String q = query.strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty() || limit < 1) {
            return List.of();
        }
        String[] words = q.split("\\s+");
        record Hit(Item item, int tier) {
        }
        List<Hit> hits = new ArrayList<>();
        for (Item it : items) {
            int tier = tier(it, lowerTitles[it.index()], q, words);
            if (tier >= 0) {
                hits.add(new Hit(it, tier));
            }
        }
        hits.sort(Comparator.comparingInt(Hit::tier)
                .thenComparing(h -> -h.item().popularity())
                .thenComparingInt(h -> h.item().index()));
        return hits.stream().limit(limit).map(Hit::item).toList();
    }

    /** 0 best .. 4 worst, -1 for no match. */
    private static int tier(Item it, String title, String q, String[] words) {
        if (it.id().toLowerCase(Locale.ROOT).equals(q) || title.equals(q)) {
            return 0;
        }
        int at = title.indexOf(q);
        if (at == 0) {
            return 1;
        }
        if (at > 0) {
            // a later occurrence may start a word even when the first one does not
            for (int p = at; p >= 0; p = title.indexOf(q, p + 1)) {
                if (!Character.isLetterOrDigit(title.charAt(p - 1))) {
                    return 2;
                }
            }
            return 3;
        }
        if (words.length > 1 && !title.isEmpty()) {
            for (String w : words) {
                if (!title.contains(w)) {
                    return -1;
                }
            }
            return 4;
        }
        return -1;
    }
}
