package dev.siit.selfimprove;

import dev.siit.ids.ItemIdentifiers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collision avoidance (paper, Section 3.3): items that still share an identifier after the
 * diverse assignment get one appended token of a new level, so that every identifier is unique.
 *
 * <p>The new level's letter is the one after the highest level letter used by any identifier
 * (identifiers of {@code a..d} get {@code <e_0>, <e_1>, ...}). Within a group of k colliding
 * items, the items in item order get {@code <e_0> .. <e_(k-1)>}; every member is suffixed, the
 * first included, so that no identifier is a proper prefix of another (a prefix would let trie
 * decoding stop early on the shorter one). Items that collide with nobody are left as they are.
 */
public final class CollisionAvoidance {

    private CollisionAvoidance() {
    }

    /** Share of items whose identifier at least one other item also has (paper, Table 3). */
    public static double collisionRate(List<List<String>> identifiers) {
        if (identifiers.isEmpty()) {
            return 0;
        }
        Map<List<String>, Integer> counts = new HashMap<>();
        for (List<String> id : identifiers) {
            counts.merge(id, 1, Integer::sum);
        }
        int colliding = 0;
        for (List<String> id : identifiers) {
            if (counts.get(id) > 1) {
                colliding++;
            }
        }
        return colliding / (double) identifiers.size();
    }

    /** The level (0-based) a collision-breaking token gets: one past the highest level in use. */
    public static int collisionLevel(List<List<String>> identifiers) {
        int max = -1;
        for (List<String> id : identifiers) {
            for (String t : id) {
                max = Math.max(max, CodeToken.levelOf(t));
            }
        }
        if (max + 1 >= 26) {
            throw new IllegalArgumentException("identifiers already use level z; no letter is left for a collision level");
        }
        return max + 1;
    }

    /** Appends a collision-breaking token to every item of every collision group. */
    public static ItemIdentifiers apply(List<List<String>> identifiers) {
        int level = collisionLevel(identifiers);
        Map<List<String>, List<Integer>> groups = new HashMap<>();
        for (int i = 0; i < identifiers.size(); i++) {
            groups.computeIfAbsent(identifiers.get(i), k -> new ArrayList<>()).add(i);
        }
        List<List<String>> out = new ArrayList<>(identifiers);
        for (List<Integer> group : groups.values()) {
            if (group.size() < 2) {
                continue;
            }
            // group lists items in increasing order, because items were added in order
            for (int k = 0; k < group.size(); k++) {
                int item = group.get(k);
                List<String> extended = new ArrayList<>(identifiers.get(item));
                extended.add(new CodeToken(level, k).toString());
                out.set(item, extended);
            }
        }
        // unique by construction: the new level's tokens appear in no input identifier, and within a
        // group the suffixes differ
        ItemIdentifiers result = new ItemIdentifiers(out);
        return result;
    }
}
