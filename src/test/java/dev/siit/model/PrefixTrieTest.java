package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrefixTrieTest {
    // items: 0 = [5,7], 1 = [5,8], 2 = [6,7,9], 3 = [5,7] (collides with 0), 4 = [6,7]
    private final PrefixTrie trie = new PrefixTrie(new int[][] {{5, 7}, {5, 8}, {6, 7, 9}, {5, 7}, {6, 7}}, 1);

    @Test
    void allowedTokensFollowThePrefixes() {
        assertArrayEquals(new int[] {5, 6}, trie.allowedAfter(new int[] {}));
        assertArrayEquals(new int[] {7, 8}, trie.allowedAfter(new int[] {5}));
        assertArrayEquals(new int[] {1}, trie.allowedAfter(new int[] {5, 7}));
        // [6,7] is complete and also the prefix of [6,7,9]: both EOS and 9 are allowed
        assertArrayEquals(new int[] {1, 9}, trie.allowedAfter(new int[] {6, 7}));
        assertArrayEquals(new int[] {}, trie.allowedAfter(new int[] {7}));
        assertArrayEquals(new int[] {}, trie.allowedAfter(new int[] {5, 7, 1}));
    }

    @Test
    void leavesHoldTheItemsOfAnIdentifier() {
        assertArrayEquals(new int[] {0, 3}, trie.itemsOf(new int[] {5, 7}));
        assertArrayEquals(new int[] {2}, trie.itemsOf(new int[] {6, 7, 9}));
        assertArrayEquals(new int[] {4}, trie.itemsOf(new int[] {6, 7}));
        assertArrayEquals(new int[] {}, trie.itemsOf(new int[] {6}));
        assertArrayEquals(new int[] {}, trie.itemsOf(new int[] {9}));
        int s = trie.start();
        for (int t : new int[] {5, 8, 1}) {
            assertFalse(trie.complete(s));
            s = trie.advance(s, t);
        }
        assertTrue(trie.complete(s));
        assertEquals(-1, trie.advance(trie.start(), 7));
    }

    @Test
    void sizes() {
        assertEquals(4, trie.numIdentifiers());
        assertEquals(4, trie.maxLength()); // 3 tokens + EOS
        assertArrayEquals(new int[] {1, 5, 6, 7, 8, 9}, trie.vocabulary());
        // root, 5, 5-7, 5-7-EOS, 5-8, 5-8-EOS, 6, 6-7, 6-7-9, 6-7-9-EOS, 6-7-EOS
        assertEquals(11, trie.numNodes());
    }

    @Test
    void rejectsEosInsideAnIdentifierAndEmptyIdentifiers() {
        assertThrows(IllegalArgumentException.class, () -> new PrefixTrie(new int[][] {{5, 1, 7}}, 1));
        assertThrows(IllegalArgumentException.class, () -> new PrefixTrie(new int[][] {{}}, 1));
    }
}
