package dev.siit.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The valid item identifiers as token-id sequences, each ending in EOS, in a prefix trie. A
 * state is a node; the node reached by EOS is a leaf holding the item(s) with that identifier
 * (several when collisions are kept).
 *
 * <p>Built once, then frozen into arrays: children of node n are {@code childTokens[n]} (sorted)
 * and {@code childNodes[n]}, looked up by binary search.
 */
public final class PrefixTrie implements DecodingConstraint {
    private final int eos;
    private final int[][] childTokens;
    private final int[][] childNodes;
    private final int[][] leafItems; // leafItems[n] = items at leaf n (ascending), null for inner nodes
    private final int maxLength;
    private final int[] vocabulary;
    private final int numIdentifiers;

    /**
     * @param identifiers identifiers[i] = token ids of item i's identifier, without EOS; must
     *                    not contain EOS
     * @param eosTokenId  appended to every identifier
     */
    public PrefixTrie(int[][] identifiers, int eosTokenId) {
        this.eos = eosTokenId;
        List<TreeMap<Integer, Integer>> children = new ArrayList<>();
        children.add(new TreeMap<>());
        Map<Integer, List<Integer>> items = new HashMap<>();
        int longest = 0;
        java.util.TreeSet<Integer> vocab = new java.util.TreeSet<>();
        vocab.add(eosTokenId);
        for (int item = 0; item < identifiers.length; item++) {
            int[] id = identifiers[item];
            if (id == null || id.length == 0) {
                throw new IllegalArgumentException("item " + item + " has an empty identifier");
            }
            int node = 0;
            for (int k = 0; k <= id.length; k++) {
                int token = k < id.length ? id[k] : eosTokenId;
                if (k < id.length && token == eosTokenId) {
                    throw new IllegalArgumentException("identifier of item " + item + " contains EOS");
                }
                vocab.add(token);
                Integer next = children.get(node).get(token);
                if (next == null) {
                    next = children.size();
                    children.add(new TreeMap<>());
                    children.get(node).put(token, next);
                }
                node = next;
            }
            items.computeIfAbsent(node, n -> new ArrayList<>()).add(item);
            longest = Math.max(longest, id.length + 1);
        }
        int n = children.size();
        childTokens = new int[n][];
        childNodes = new int[n][];
        leafItems = new int[n][];
        for (int i = 0; i < n; i++) {
            TreeMap<Integer, Integer> c = children.get(i);
            childTokens[i] = c.keySet().stream().mapToInt(Integer::intValue).toArray();
            childNodes[i] = c.values().stream().mapToInt(Integer::intValue).toArray();
        }
        for (Map.Entry<Integer, List<Integer>> e : items.entrySet()) {
            leafItems[e.getKey()] = e.getValue().stream().mapToInt(Integer::intValue).toArray();
        }
        this.numIdentifiers = items.size();
        this.maxLength = longest;
        this.vocabulary = vocab.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public int start() {
        return 0;
    }

    @Override
    public int[] allowed(int state) {
        return childTokens[state];
    }

    @Override
    public int advance(int state, int token) {
        int k = Arrays.binarySearch(childTokens[state], token);
        return k < 0 ? -1 : childNodes[state][k];
    }

    @Override
    public boolean complete(int state) {
        return leafItems[state] != null;
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    @Override
    public int[] vocabulary() {
        return vocabulary.clone();
    }

    /** Items whose identifier ends at leaf {@code state} (ascending); empty for inner nodes. */
    public int[] items(int state) {
        return leafItems[state] == null ? new int[0] : leafItems[state].clone();
    }

    /** Items with exactly this identifier (token ids without EOS); empty when it is not valid. */
    public int[] itemsOf(int[] identifier) {
        int s = start();
        for (int t : identifier) {
            s = advance(s, t);
            if (s < 0) {
                return new int[0];
            }
        }
        s = advance(s, eos);
        return s < 0 ? new int[0] : items(s);
    }

    /** Number of distinct identifiers (leaves). */
    public int numIdentifiers() {
        return numIdentifiers;
    }

    public int eosTokenId() {
        return eos;
    }

    /** Number of trie nodes, root and leaves included. */
    public int numNodes() {
        return childTokens.length;
    }
}
