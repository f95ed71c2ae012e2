package dev.siit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaveOneOutSplitTest {
    private static InteractionDataset dataset(int numItems, int[]... seqs) {
        List<String> users = new java.util.ArrayList<>();
        for (int u = 0; u < seqs.length; u++) {
            users.add("u" + u);
        }
        List<String> items = new java.util.ArrayList<>();
        for (int i = 0; i < numItems; i++) {
            items.add("i" + i);
        }
        return new InteractionDataset("t", users, items, seqs, Collections.nCopies(numItems, null), "fp");
    }

    @Test
    void lastIsTestSecondToLastIsValidationRestIsTraining() {
        InteractionDataset d = dataset(6, new int[] {0, 1, 2, 3, 4, 5});
        LeaveOneOutSplit s = LeaveOneOutSplit.of(d, 10);
        assertArrayEquals(new int[] {0, 1, 2, 3}, s.train()[0]);
        // training: targets at positions 1..3 of the training part
        assertEquals(3, s.trainExamples().size());
        assertExample(s.trainExamples().get(0), 0, new int[] {0}, 1);
        assertExample(s.trainExamples().get(1), 0, new int[] {0, 1}, 2);
        assertExample(s.trainExamples().get(2), 0, new int[] {0, 1, 2}, 3);
        assertExample(s.validExamples().get(0), 0, new int[] {0, 1, 2, 3}, 4);
        // the test history ends with the validation item
        assertExample(s.testExamples().get(0), 0, new int[] {0, 1, 2, 3, 4}, 5);
    }

    @Test
    void historyIsCutToTheLastHItems() {
        InteractionDataset d = dataset(7, new int[] {0, 1, 2, 3, 4, 5, 6});
        LeaveOneOutSplit s = LeaveOneOutSplit.of(d, 2);
        assertExample(s.trainExamples().get(3), 0, new int[] {2, 3}, 4);
        assertExample(s.validExamples().get(0), 0, new int[] {3, 4}, 5);
        assertExample(s.testExamples().get(0), 0, new int[] {4, 5}, 6);
    }

    @Test
    void shortUsersStayInTrainingAndCountsAddUp() {
        InteractionDataset d = dataset(5, new int[] {0, 1, 2}, new int[] {3, 4}, new int[] {4, 3, 2, 1});
        LeaveOneOutSplit s = LeaveOneOutSplit.of(d, 10);
        // user 0: train [0], no training target; user 1 (2 items): all training, 1 example;
        // user 2: train [4, 3] -> 1 example
        assertEquals(2, s.trainExamples().size());
        assertArrayEquals(new int[] {3, 4}, s.train()[1]);
        assertEquals(List.of(0, 2), s.testExamples().stream().map(Example::user).toList());
        assertEquals(List.of(0, 2), s.validExamples().stream().map(Example::user).toList());
        // no held-out item leaks into the training part
        for (Example e : s.testExamples()) {
            int[] tr = s.train()[e.user()];
            int[] full = d.sequences()[e.user()];
            assertEquals(full.length - 2, tr.length);
            assertArrayEquals(Arrays.copyOf(full, full.length - 2), tr);
        }
    }

    private static void assertExample(Example e, int user, int[] history, int target) {
        assertEquals(user, e.user());
        assertArrayEquals(history, e.history());
        assertEquals(target, e.target());
    }
}
