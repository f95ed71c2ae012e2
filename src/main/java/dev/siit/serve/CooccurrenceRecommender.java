package dev.siit.serve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classic, non-neural next-item recommender: how often item j followed item i within a few
 * steps in the training sequences. It is NOT the generative model; the server uses it when no
 * trained run is given and the tests use it as a deterministic stand-in with real behaviour.
 *
 * <p>For a history h_1..h_n the score of item j is
 * {@code sum_t decay^(n-t) * P(j | h_t) + 1e-6 * pop(j) / maxPop}, where
 * {@code P(j | i) = count(i -> j) / sum_j' count(i -> j')} counts j at 1..window positions after
 * i. The tiny popularity term only orders items no history item co-occurs with. Items already in
 * the history are not recommended. Ties go to the lower dense index.
 *
 * <p>Not thread-safe (one scratch score vector); the batcher calls it from one thread.
 */
public final class CooccurrenceRecommender implements Recommender {
    public static final int DEFAULT_WINDOW = 3;
    public static final double DEFAULT_DECAY = 0.8;
    private static final double POPULARITY_WEIGHT = 1e-6;

    private final int numItems;
    private final int maxHistory;
    private final int window;
    private final double decay;
    private final int[][] next;       // next[i] = items seen after i, ascending
    private final double[][] nextProb; // nextProb[i][m] = P(next[i][m] | i)
    private final double[] prior;     // POPULARITY_WEIGHT * pop(j) / maxPop
    private final long trainInteractions;
    private final double[] scratch;   // (numItems) scores of the history being ranked

    /**
     * @param train      training sequences over dense items 0..numItems-1 (never held-out items)
     * @param maxHistory H, the most recent items a request may use
     */
    public CooccurrenceRecommender(int[][] train, int numItems, int maxHistory, int window, double decay) {
        if (numItems < 1 || maxHistory < 1 || window < 1 || !(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("need numItems, maxHistory, window >= 1 and decay in (0, 1], got "
                    + numItems + ", " + maxHistory + ", " + window + ", " + decay);
        }
        this.numItems = numItems;
        this.maxHistory = maxHistory;
        this.window = window;
        this.decay = decay;
        List<Map<Integer, Integer>> counts = new ArrayList<>(numItems);
        for (int i = 0; i < numItems; i++) {
            counts.add(new HashMap<>());
        }
        int[] pop = new int[numItems];
        long n = 0;
        for (int[] s : train) {
            for (int t = 0; t < s.length; t++) {
                pop[s[t]]++;
                n++;
                for (int u = t + 1; u < s.length && u <= t + window; u++) {
                    counts.get(s[t]).merge(s[u], 1, Integer::sum);
                }
            }
        }
        this.trainInteractions = n;
        this.next = new int[numItems][];
        this.nextProb = new double[numItems][];
        for (int i = 0; i < numItems; i++) {
            Map<Integer, Integer> c = counts.get(i);
            int[] js = c.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            long total = 0;
            for (int j : js) {
                total += c.get(j);
            }
            double[] p = new double[js.length];
            for (int m = 0; m < js.length; m++) {
                p[m] = (double) c.get(js[m]) / total;
            }
            next[i] = js;
            nextProb[i] = p;
        }
        int maxPop = Math.max(1, Arrays.stream(pop).max().orElse(1));
        this.prior = new double[numItems];
        for (int j = 0; j < numItems; j++) {
            prior[j] = POPULARITY_WEIGHT * pop[j] / maxPop;
        }
        this.scratch = new double[numItems];
    }

    @Override
    public List<List<Recommendation>> recommendBatch(List<int[]> histories, int k) {
        List<List<Recommendation>> out = new ArrayList<>(histories.size());
        for (int[] h : histories) {
            out.add(recommend(h, k));
        }
        return out;
    }

    private List<Recommendation> recommend(int[] history, int k) {
        double[] s = scratch;
        System.arraycopy(prior, 0, s, 0, numItems);
        double w = 1;
        for (int t = history.length - 1; t >= 0; t--, w *= decay) {
            int i = history[t];
            int[] js = next[i];
            double[] p = nextProb[i];
            for (int m = 0; m < js.length; m++) {
                s[js[m]] += w * p[m];
            }
        }
        for (int i : history) {
            s[i] = Double.NEGATIVE_INFINITY;
        }
        return TopK.of(s, k);
    }

    @Override
    public int maxHistory() {
        return maxHistory;
    }

    @Override
    public int numItems() {
        return numItems;
    }

    @Override
    public Map<String, Object> info() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "co-occurrence");
        m.put("description", "Non-neural baseline: item-to-next-item co-occurrence counts over the training split. "
                + "Not the generative SIIT model.");
        m.put("window", window);
        m.put("decay", decay);
        m.put("maxHistory", maxHistory);
        m.put("excludesHistoryItems", true);
        m.put("trainInteractions", trainInteractions);
        return m;
    }
}
