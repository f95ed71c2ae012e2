package dev.siit.ids;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The identifier of every item: {@code tokens.get(i)} is the token sequence of dense item i,
 * e.g. {@code ["<a_12>", "<b_7>", "<c_3>", "<d_1>"]}. Identifiers may differ in length (a
 * collision-breaking level is appended only where needed) and may be shared by several items
 * when collisions are kept ({@code none} resolution).
 */
public record ItemIdentifiers(List<List<String>> tokens) {
    public ItemIdentifiers {
        List<List<String>> copy = new ArrayList<>(tokens.size());
        for (List<String> t : tokens) {
            if (t == null || t.isEmpty()) {
                throw new IllegalArgumentException("item " + copy.size() + " has an empty identifier");
            }
            copy.add(List.copyOf(t));
        }
        tokens = List.copyOf(copy);
    }

    public int numItems() {
        return tokens.size();
    }

    public List<String> of(int item) {
        return tokens.get(item);
    }

    /** The identifier as one string, {@code <a_12><b_7><c_3>}. */
    public String joined(int item) {
        return String.join("", tokens.get(item));
    }

    public int maxLength() {
        int m = 0;
        for (List<String> t : tokens) {
            m = Math.max(m, t.size());
        }
        return m;
    }

    /** Every distinct token, in first-seen order (item order, then position). */
    public List<String> vocabulary() {
        Set<String> seen = new java.util.LinkedHashSet<>();
        for (List<String> t : tokens) {
            seen.addAll(t);
        }
        return List.copyOf(seen);
    }

    /** Items grouped by identifier, only groups of 2 or more (collisions). */
    public List<List<Integer>> collisionGroups() {
        Map<List<String>, List<Integer>> byId = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            byId.computeIfAbsent(tokens.get(i), k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> groups = new ArrayList<>();
        for (List<Integer> g : byId.values()) {
            if (g.size() > 1) {
                groups.add(g);
            }
        }
        groups.sort((a, b) -> Integer.compare(a.get(0), b.get(0)));
        return groups;
    }

    /** Whether no two items share an identifier. */
    public boolean unique() {
        return new HashSet<>(tokens).size() == tokens.size();
    }
}
