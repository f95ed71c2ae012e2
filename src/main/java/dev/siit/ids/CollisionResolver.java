package dev.siit.ids;

import dev.siit.io.InputException;
import java.util.ArrayList;
import java.util.List;

/** Applies a {@link CollisionResolution} to an indexer's raw output. */
public final class CollisionResolver {
    /** LETTER re-runs the Sinkhorn step on the remaining groups at most 20 times. */
    public static final int SINKHORN_ROUNDS = 20;

    private CollisionResolver() {
    }

    public static ItemIdentifiers resolve(IndexedItems raw, CollisionResolution mode, String method) {
        return switch (mode) {
            case NONE -> raw.ids();
            case SUFFIX -> suffix(raw.ids());
            case SINKHORN -> {
                if (raw.lastLevel() == null) {
                    throw new InputException("--collisions sinkhorn re-assigns the last level of a residual quantiser, "
                            + "and method " + method + " has none; use --collisions suffix or none");
                }
                yield suffix(sinkhorn(raw.ids(), raw.lastLevel(), SinkhornAssignment.DEFAULT_EPSILON, SINKHORN_ROUNDS));
            }
        };
    }

    /**
     * Appends one level to every item of a collision group: the n items sharing an identifier
     * (in dense item order) get tokens 0..n-1 of the next level's letter, so all identifiers are
     * unique. Items with a unique identifier keep it unchanged (TIGER appends the level to all
     * items; appending only where needed keeps identifiers short and still prefix-free because
     * no item keeps the bare shared identifier).
     */
    public static ItemIdentifiers suffix(ItemIdentifiers ids) {
        List<List<Integer>> groups = ids.collisionGroups();
        if (groups.isEmpty()) {
            return ids;
        }
        List<List<String>> out = new ArrayList<>(ids.tokens());
        for (List<Integer> g : groups) {
            int level = ids.of(g.get(0)).size();
            for (int k = 0; k < g.size(); k++) {
                List<String> t = new ArrayList<>(ids.of(g.get(k)));
                t.add(IndexFile.token(level, k));
                out.set(g.get(k), t);
            }
        }
        return new ItemIdentifiers(out);
    }

    /**
     * LETTER's re-assignment: for every group of colliding items, the last level's code is chosen
     * by a balanced Sinkhorn assignment of the group's residuals over the last codebook, which
     * spreads the group over distinct nearby codes. New collisions with other items can appear;
     * repeated for up to {@code rounds} rounds. Whatever still collides is left for {@link #suffix}.
     */
    public static ItemIdentifiers sinkhorn(ItemIdentifiers ids, LastLevelDistances last, double epsilon, int rounds) {
        List<List<String>> cur = new ArrayList<>(ids.tokens());
        int level = last.level();
        for (int round = 0; round < rounds; round++) {
            ItemIdentifiers now = new ItemIdentifiers(cur);
            List<List<Integer>> groups = now.collisionGroups();
            if (groups.isEmpty()) {
                break;
            }
            for (List<Integer> g : groups) {
                int[] items = g.stream().mapToInt(Integer::intValue).toArray();
                if (now.of(items[0]).size() != level + 1) {
                    continue; // not a quantiser identifier of the expected length
                }
                int[] codes = SinkhornAssignment.assign(last.distances(items), epsilon, SinkhornAssignment.DEFAULT_ITERATIONS);
                for (int k = 0; k < items.length; k++) {
                    List<String> t = new ArrayList<>(cur.get(items[k]));
                    t.set(level, IndexFile.token(level, codes[k]));
                    cur.set(items[k], t);
                }
            }
        }
        return new ItemIdentifiers(cur);
    }
}
