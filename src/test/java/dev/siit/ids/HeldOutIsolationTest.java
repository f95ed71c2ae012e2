package dev.siit.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.siit.data.InteractionDataset;
import dev.siit.data.ItemText;
import dev.siit.ids.cid.CidConfig;
import dev.siit.ids.cid.CollaborativeIndexer;
import dev.siit.ids.cid.CooccurrenceGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * No validation/test interaction reaches an indexer: replacing every user's two held-out items
 * by other items leaves SID, IID and CID identifiers unchanged, while replacing a training item
 * does change them (so the comparison can fail).
 */
class HeldOutIsolationTest {

    /** 150 users over 90 items in 3 communities, 10 interactions each. */
    static InteractionDataset communities(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int users = 150;
        int[][] seqs = new int[users][10];
        for (int u = 0; u < users; u++) {
            int c = u % 3;
            for (int t = 0; t < 10; t++) {
                seqs[u][t] = r.nextInt(30) * 3 + c;
            }
        }
        return dataset(seqs);
    }

    static InteractionDataset dataset(int[][] seqs) {
        List<String> users = new ArrayList<>();
        for (int u = 0; u < seqs.length; u++) {
            users.add("u" + u);
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            items.add(String.valueOf(1000 + i));
        }
        List<ItemText> texts = Collections.nCopies(90, null);
        return new InteractionDataset("communities", users, items, seqs, texts, "fp");
    }

    /** The same dataset with the last two items of every user replaced by random items. */
    static InteractionDataset perturbHeldOut(InteractionDataset d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] seqs = new int[d.numUsers()][];
        for (int u = 0; u < d.numUsers(); u++) {
            seqs[u] = d.sequences()[u].clone();
            seqs[u][seqs[u].length - 1] = r.nextInt(90);
            seqs[u][seqs[u].length - 2] = r.nextInt(90);
        }
        return dataset(seqs);
    }

    static InteractionDataset perturbTraining(InteractionDataset d) {
        int[][] seqs = new int[d.numUsers()][];
        for (int u = 0; u < d.numUsers(); u++) {
            seqs[u] = d.sequences()[u].clone();
        }
        seqs[0][0] = (seqs[0][0] + 1) % 90; // first item of the first user: changes SID's order
        for (int u = 0; u < d.numUsers(); u += 2) { // and enough co-occurrences to move CID
            seqs[u][1] = (seqs[u][1] + 1) % 90;
            seqs[u][3] = (seqs[u][3] + 2) % 90;
        }
        return dataset(seqs);
    }

    private static ItemIdentifiers run(ItemIndexer indexer, InteractionDataset d) {
        return indexer.index(TrainingItems.of(d), 17).ids();
    }

    @Test
    void heldOutItemsDoNotReachSidIidOrCid() {
        InteractionDataset d = communities(1);
        InteractionDataset held = perturbHeldOut(d, 2);
        InteractionDataset train = perturbTraining(d);
        // the perturbation is real: the full sequences' co-occurrence graphs differ
        assertNotEquals(Arrays.toString(CooccurrenceGraph.fromSequences(90, d.sequences(), 0).val()),
                Arrays.toString(CooccurrenceGraph.fromSequences(90, held.sequences(), 0).val()));
        List<ItemIndexer> indexers = List.of(new SequentialIndexer(), new IndependentIndexer(),
                new CollaborativeIndexer(new CidConfig(3, 20, 0, 3, 100)));
        for (ItemIndexer ix : indexers) {
            ItemIdentifiers base = run(ix, d);
            assertEquals(base, run(ix, held), ix.method() + " changed when only held-out items changed");
            assertNotEquals(base, run(ix, train), ix.method() + " ignores the training data");
        }
    }

    @Test
    void sidNumbersItemsByFirstTrainingAppearance() {
        // users' sequences (dense items): u0 = 2 0 2 1 | 4 3 (held out), u1 = 1 3 0 4 | 0 2
        // training parts read in order: 2 0 1 3 4 -> 1001 1002 1003 1004 1005
        int[][] seqs = {{2, 0, 2, 1, 4, 3}, {1, 3, 0, 4, 0, 2}};
        List<ItemText> texts = Collections.nCopies(5, null);
        InteractionDataset d = new InteractionDataset("tiny", List.of("a", "b"), List.of("i0", "i1", "i2", "i3", "i4"),
                seqs, texts, "fp");
        ItemIdentifiers sid = new SequentialIndexer().index(TrainingItems.of(d), 0).ids();
        assertEquals(List.of("<a_1>", "<b_0>", "<c_0>", "<d_1>"), sid.of(2));
        assertEquals(List.of("<a_1>", "<b_0>", "<c_0>", "<d_2>"), sid.of(0));
        assertEquals(List.of("<a_1>", "<b_0>", "<c_0>", "<d_3>"), sid.of(1));
        assertEquals(List.of("<a_1>", "<b_0>", "<c_0>", "<d_4>"), sid.of(3));
        assertEquals(List.of("<a_1>", "<b_0>", "<c_0>", "<d_5>"), sid.of(4));
        ItemIdentifiers iid = new IndependentIndexer().index(TrainingItems.of(d), 0).ids();
        assertEquals(List.of("<a_0>"), iid.of(2));
        assertEquals(List.of("<a_4>"), iid.of(4));
        // padding: starting at 9998 the numbers run to 10002, five digits each
        ItemIdentifiers wide = new SequentialIndexer(9998).index(TrainingItems.of(d), 0).ids();
        assertEquals(List.of("<a_0>", "<b_9>", "<c_9>", "<d_9>", "<e_8>"), wide.of(2));
        assertEquals(List.of("<a_1>", "<b_0>", "<c_0>", "<d_0>", "<e_2>"), wide.of(4));
    }

    @Test
    void itemsOnlyInHeldOutPositionsFollowInOriginalIdOrder() {
        // item 3 (id "10") and item 4 (id "9") never occur in a training part
        int[][] seqs = {{0, 1, 2, 3, 4}, {2, 1, 0, 4, 3}};
        InteractionDataset d = new InteractionDataset("tiny", List.of("a", "b"), List.of("0", "1", "2", "10", "9"),
                seqs, Collections.nCopies(5, null), "fp");
        int[] order = TrainingItems.of(d).firstAppearanceOrder();
        assertEquals("[0, 1, 2, 4, 3]", Arrays.toString(order)); // numeric ids: 9 before 10
    }
}
