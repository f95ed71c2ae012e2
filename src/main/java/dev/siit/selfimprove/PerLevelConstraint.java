package dev.siit.selfimprove;

import dev.siit.model.DecodingConstraint;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * The decoding constraint for identifier regeneration (paper, Section 3.3): position l may only
 * emit a level-l code token of the current vocabulary, and the identifier ends (EOS) where the
 * reference identifiers end. Unlike the trie of existing identifiers used for recommendation, any
 * combination of per-level codes is allowed: new combinations are the point of regeneration.
 *
 * <p>Levels come from the reference tokenization (T0): its maximum length L is the number of
 * levels regenerated, and EOS is allowed after l tokens iff some reference identifier has length l
 * (CID identifiers have varying depth; quantiser identifiers all have length L). Tokens of level
 * {@code >= L} (the collision-breaking level appended by {@link CollisionAvoidance}) are never
 * generated; collision avoidance re-derives that level every iteration.
 *
 * <p>States: {@code 0..L} = number of level tokens emitted so far; {@code L + 1} = EOS emitted.
 */
public final class PerLevelConstraint implements DecodingConstraint {

    private final int[][] allowedAt;   // allowedAt[l] = ascending token ids, EOS included where allowed
    private final int eosId;

    /**
     * @param levelTokenIds levelTokenIds[l] = token ids of level l (non-empty for every level)
     * @param endLengths    identifier lengths after which EOS is allowed (each in 1..L)
     * @param eosId         the model's end-of-sequence id
     */
    public PerLevelConstraint(int[][] levelTokenIds, Set<Integer> endLengths, int eosId) {
        int levels = levelTokenIds.length;
        if (levels == 0) {
            throw new IllegalArgumentException("no level to generate");
        }
        if (!endLengths.contains(levels)) {
            throw new IllegalArgumentException("identifiers must be allowed to end after the last level " + levels
                    + ", got end lengths " + endLengths);
        }
        this.eosId = eosId;
        this.allowedAt = new int[levels + 1][];
        for (int l = 0; l <= levels; l++) {
            TreeSet<Integer> ids = new TreeSet<>();
            if (l < levels) {
                if (levelTokenIds[l].length == 0) {
                    throw new IllegalArgumentException("level " + (char) ('a' + l) + " has no token in the vocabulary");
                }
                for (int id : levelTokenIds[l]) {
                    if (id == eosId) {
                        throw new IllegalArgumentException("a level token has the EOS id " + eosId);
                    }
                    ids.add(id);
                }
            }
            if (endLengths.contains(l)) {
                if (l == 0) {
                    throw new IllegalArgumentException("an identifier cannot be empty (end length 0)");
                }
                ids.add(eosId);
            }
            allowedAt[l] = ids.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * The constraint for regenerating identifiers shaped like {@code reference} (T0) from the
     * code tokens of {@code vocabulary} (every code token the model knows).
     *
     * @param tokenId maps a code token to its id in the model's vocabulary
     */
    public static PerLevelConstraint forReference(List<List<String>> reference, Collection<String> vocabulary,
                                                  ToIntFunction<String> tokenId, int eosId) {
        Set<Integer> lengths = new TreeSet<>();
        for (List<String> id : reference) {
            lengths.add(id.size());
        }
        int levels = lengths.isEmpty() ? 0 : Collections.max(lengths);
        @SuppressWarnings("unchecked")
        TreeSet<Integer>[] perLevel = new TreeSet[levels];
        for (int l = 0; l < levels; l++) {
            perLevel[l] = new TreeSet<>();
        }
        for (String token : vocabulary) {
            if (!CodeToken.isCodeToken(token)) {
                continue;
            }
            int level = CodeToken.levelOf(token);
            if (level < levels) {
                perLevel[level].add(tokenId.applyAsInt(token));
            }
        }
        int[][] ids = new int[levels][];
        for (int l = 0; l < levels; l++) {
            ids[l] = perLevel[l].stream().mapToInt(Integer::intValue).toArray();
        }
        return new PerLevelConstraint(ids, lengths, eosId);
    }

    /** Number of levels generated (the longest identifier's length, without EOS). */
    public int levels() {
        return allowedAt.length - 1;
    }

    public int eosId() {
        return eosId;
    }

    /** State after EOS. */
    private int completeState() {
        return allowedAt.length;
    }

    @Override
    public int start() {
        return 0;
    }

    @Override
    public int[] allowed(int state) {
        if (state < 0 || state >= allowedAt.length) {
            return new int[0];
        }
        return allowedAt[state].clone();
    }

    @Override
    public int advance(int state, int token) {
        if (state < 0 || state >= allowedAt.length || Arrays.binarySearch(allowedAt[state], token) < 0) {
            return -1;
        }
        return token == eosId ? completeState() : state + 1;
    }

    @Override
    public boolean complete(int state) {
        return state == completeState();
    }

    @Override
    public int maxLength() {
        return levels() + 1;
    }

    @Override
    public int[] vocabulary() {
        TreeSet<Integer> all = new TreeSet<>();
        for (int[] ids : allowedAt) {
            for (int id : ids) {
                all.add(id);
            }
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return "PerLevelConstraint" + Arrays.deepToString(allowedAt);
    }
}
