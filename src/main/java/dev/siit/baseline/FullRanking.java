package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.siit.data.Example;
import dev.siit.eval.EvaluationResult;
import dev.siit.eval.Evaluator;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ranks every item for every example: per batch of users one (B, r) x (r, I) matrix product and
 * one top-k on the engine, so only B x k indices cross to Java. No item is removed from the
 * ranking (the Evaluator's protocol), so a history item may be recommended again.
 */
public final class FullRanking {
    private FullRanking() {
    }

    /** The top-{@code k} items (best first) of every example. */
    public static int[][] topK(SequentialRecommender model, NDManager manager, List<Example> examples,
                               int k, int batchSize) {
        int[][] out = new int[examples.size()][];
        try (NDScope scope = new NDScope()) {
            NDArray itemsT = model.itemVectors().transpose(); // (r, I)
            int kk = (int) Math.min(k, itemsT.getShape().get(1));
            for (int start = 0; start < examples.size(); start += batchSize) {
                List<Example> batch = examples.subList(start, Math.min(examples.size(), start + batchSize));
                try (NDScope step = new NDScope()) {
                    NDArray scores = model.represent(manager, batch).matMul(itemsT); // (B, I)
                    fill(out, start, topKIndices(scores, kk));
                }
            }
        }
        return out;
    }

    /** Top-k item indices (B, k), best first, of a (B, I) score matrix. */
    static int[][] topKIndices(NDArray scores, int k) {
        NDList top = scores.topK(k, -1, true, true); // (values, indices)
        NDArray idx = top.get(1).toType(DataType.INT32, false);
        int b = (int) scores.getShape().get(0);
        int[] flat = idx.toIntArray();
        int[][] rows = new int[b][k];
        for (int r = 0; r < b; r++) {
            System.arraycopy(flat, r * k, rows[r], 0, k);
        }
        return rows;
    }

    /** (B, I) scores of a batch of examples, for tests and inspection. */
    public static float[][] scores(SequentialRecommender model, NDManager manager, List<Example> examples) {
        try (NDScope scope = new NDScope()) {
            NDArray s = model.represent(manager, examples).matMul(model.itemVectors().transpose());
            int b = (int) s.getShape().get(0);
            int items = (int) s.getShape().get(1);
            float[] flat = s.toFloatArray();
            float[][] rows = new float[b][items];
            for (int r = 0; r < b; r++) {
                System.arraycopy(flat, r * items, rows[r], 0, items);
            }
            return rows;
        }
    }

    /** Ranks and evaluates {@code examples} with the shared Evaluator. */
    public static EvaluationResult evaluate(SequentialRecommender model, NDManager manager, List<Example> examples,
                                            int numItems, int batchSize) {
        int maxK = 0;
        for (int k : Evaluator.DEFAULT_KS) {
            maxK = Math.max(maxK, k);
        }
        int[][] ranked = topK(model, manager, examples, maxK, batchSize);
        int[] targets = new int[examples.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = examples.get(i).target();
        }
        return new Evaluator(numItems).evaluate(targets, ranked);
    }

    /**
     * A diagnostic beside the Evaluator's protocol: the metrics when each example's history items
     * are removed from its ranking (the full-sort protocol of e.g. RecBole), and the share of the
     * unfiltered top-10 slots that history items take. On a dataset where no held-out item
     * repeats a history item, every such slot is a lost one.
     */
    public record HistoryDiagnostic(EvaluationResult excludingHistory, double historyShareAt10) {
    }

    public static HistoryDiagnostic historyDiagnostic(SequentialRecommender model, NDManager manager,
                                                      List<Example> examples, int numItems, int batchSize) {
        int maxK = 0;
        for (int k : Evaluator.DEFAULT_KS) {
            maxK = Math.max(maxK, k);
        }
        int longest = 0;
        for (Example e : examples) {
            longest = Math.max(longest, e.history().length);
        }
        // at most |history| items are dropped, so maxK + longest ranked items leave maxK after filtering
        int wide = Math.min(numItems, maxK + longest);
        int[][] ranked = topK(model, manager, examples, wide, batchSize);
        int[] targets = new int[examples.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = examples.get(i).target();
        }
        EvaluationResult filtered = new Evaluator(numItems).evaluate(targets, withoutHistory(ranked, examples, maxK));
        return new HistoryDiagnostic(filtered, historyShare(ranked, examples, 10));
    }

    /** Each ranked list without its example's history items, cut to {@code k} (or fewer if too short). */
    static int[][] withoutHistory(int[][] ranked, List<Example> examples, int k) {
        int[][] out = new int[ranked.length][];
        for (int r = 0; r < ranked.length; r++) {
            Set<Integer> history = historySet(examples.get(r));
            out[r] = Arrays.stream(ranked[r]).filter(i -> !history.contains(i)).limit(k).toArray();
        }
        return out;
    }

    /** The share of the first {@code k} slots of all ranked lists taken by their example's history items. */
    static double historyShare(int[][] ranked, List<Example> examples, int k) {
        long hits = 0;
        long slots = 0;
        for (int r = 0; r < ranked.length; r++) {
            Set<Integer> history = historySet(examples.get(r));
            int n = Math.min(k, ranked[r].length);
            for (int j = 0; j < n; j++) {
                hits += history.contains(ranked[r][j]) ? 1 : 0;
            }
            slots += n;
        }
        return slots == 0 ? 0 : (double) hits / slots;
    }

    private static Set<Integer> historySet(Example e) {
        Set<Integer> s = new HashSet<>();
        for (int i : e.history()) {
            s.add(i);
        }
        return s;
    }

    private static void fill(int[][] out, int start, int[][] rows) {
        System.arraycopy(rows, 0, out, start, rows.length);
    }
}
