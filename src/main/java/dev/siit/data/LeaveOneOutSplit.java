package dev.siit.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Leave-one-out split (the paper's protocol): a user's last item is the test target, the second
 * to last the validation target, the rest is training data.
 *
 * <p>Training examples: for every position t >= 1 of the training part, target = item t and
 * history = the up to H items before it. Validation and test examples use the up to H items
 * before the held-out item, so the test history ends with the validation item. Users with fewer
 * than 3 interactions (possible only without k-core filtering) give no validation/test example
 * for the missing positions; their items all stay in training.
 *
 * @param train          training part of every user's sequence (never contains held-out items)
 * @param trainExamples  every prefix example of the training parts
 * @param validExamples  one example per user with at least 3 interactions
 * @param testExamples   one example per user with at least 3 interactions
 * @param maxHistory     H
 */
public record LeaveOneOutSplit(int[][] train, List<Example> trainExamples, List<Example> validExamples,
                               List<Example> testExamples, int maxHistory) {

    public static final int DEFAULT_MAX_HISTORY = 10;

    public static LeaveOneOutSplit of(InteractionDataset data, int maxHistory) {
        if (maxHistory < 1) {
            throw new IllegalArgumentException("maxHistory must be >= 1, got " + maxHistory);
        }
        int[][] seqs = data.sequences();
        int[][] train = new int[seqs.length][];
        List<Example> trainEx = new ArrayList<>();
        List<Example> validEx = new ArrayList<>();
        List<Example> testEx = new ArrayList<>();
        for (int u = 0; u < seqs.length; u++) {
            int[] s = seqs[u];
            int heldOut = s.length >= 3 ? 2 : 0;
            train[u] = Arrays.copyOf(s, s.length - heldOut);
            for (int t = 1; t < train[u].length; t++) {
                trainEx.add(new Example(u, window(s, t, maxHistory), s[t]));
            }
            if (heldOut == 2) {
                validEx.add(new Example(u, window(s, s.length - 2, maxHistory), s[s.length - 2]));
                testEx.add(new Example(u, window(s, s.length - 1, maxHistory), s[s.length - 1]));
            }
        }
        return new LeaveOneOutSplit(train, List.copyOf(trainEx), List.copyOf(validEx), List.copyOf(testEx),
                maxHistory);
    }

    /** The up to h items before position t. */
    private static int[] window(int[] s, int t, int h) {
        return Arrays.copyOfRange(s, Math.max(0, t - h), t);
    }

    /** Examples of the named split: {@code valid} or {@code test}. */
    public List<Example> heldOut(String split) {
        return switch (split) {
            case "valid", "validation" -> validExamples;
            case "test" -> testExamples;
            default -> throw new IllegalArgumentException("split must be valid or test, got " + split);
        };
    }
}
