package dev.siit.selfimprove;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Diverse identifier generation (paper, Section 3.3): every item comes with the ranked top-k
 * identifiers beam search proposed for it; the assigner gives each item one of them so that as
 * few items as possible share an identifier.
 *
 * <ul>
 *   <li>{@link AssignmentStrategy#PAPER}: items in item order; each takes the first identifier of
 *       its list no earlier item took. An item whose whole list is taken gets its top identifier
 *       (a collision that {@link CollisionAvoidance} resolves later).</li>
 *   <li>{@link AssignmentStrategy#CONFIDENT_FIRST}: the same rule with the items sorted by the score
 *       of their best candidate, highest first (ties: item order), so items the model is sure of
 *       are not displaced by uncertain ones.</li>
 *   <li>{@link AssignmentStrategy#OPTIMAL}: an exact optimum of the lexicographic objective
 *       (1) the largest number of items holding an identifier no other item holds, then
 *       (2) the largest total score of those items' identifiers. Maximising (2) alone would be
 *       meaningless with log-probabilities (all <= 0; giving nobody anything scores 0), hence (1).
 *       Items left out get their top identifier, as in the paper.</li>
 * </ul>
 *
 * <p>The optimal strategy solves a min-cost assignment of items (rows) to distinct candidate
 * identifiers (columns) with cost {@code maxScore - score}, plus one private "fallback" column per
 * item of cost {@code BIG = (range + 1) * (n + 1)}, larger than any difference of real costs
 * between assignments, so every extra distinct item outweighs any score loss. It is the
 * shortest-augmenting-path (Hungarian / Jonker-Volgenant) algorithm on the sparse graph: items are
 * inserted one at a time and each runs Dijkstra over reduced costs {@code c(r,j) - u(r) - v(j)}
 * (column prices {@code v <= 0}, free columns at 0), stopping at the first free column reached,
 * then prices are updated and the path augmented. Complexity: O(sum over items of E_r log E_r)
 * where E_r is the number of edges scanned by that item's search; an item whose top candidate is
 * free scans only its own list, so typical cost is O(n k log k); the worst case (one large
 * contended component) is O(n (E + V) log V) with E = n (k + 1) edges and V = distinct identifiers
 * + n columns. The "first free column" stop is exact because Dijkstra pops columns in distance
 * order. Deterministic: ties are broken by column (first-seen identifier) order.
 */
public final class DiverseIdentifierAssigner {

    private final AssignmentStrategy strategy;

    public DiverseIdentifierAssigner(AssignmentStrategy strategy) {
        this.strategy = strategy;
    }

    public AssignmentStrategy strategy() {
        return strategy;
    }

    /**
     * @param candidates candidates.get(i) = item i's ranked list (non-empty, scores non-increasing,
     *                   no identifier twice)
     */
    public IdentifierAssignment assign(List<List<Candidate>> candidates) {
        return assign(candidates, Set.of());
    }

    /**
     * As {@link #assign(List)}, with {@code reserved} identifiers taken before any item chooses
     * (identifiers of items that are not regenerated, e.g. items without a title).
     */
    public IdentifierAssignment assign(List<List<Candidate>> candidates, Set<List<String>> reserved) {
        validate(candidates);
        return switch (strategy) {
            case PAPER -> greedy(candidates, itemOrder(candidates.size()), reserved);
            case CONFIDENT_FIRST -> greedy(candidates, confidentOrder(candidates), reserved);
            case OPTIMAL -> optimal(candidates, reserved);
        };
    }

    private static void validate(List<List<Candidate>> candidates) {
        for (int i = 0; i < candidates.size(); i++) {
            List<Candidate> list = candidates.get(i);
            if (list == null || list.isEmpty()) {
                throw new IllegalArgumentException("item " + i + " has no candidate identifier");
            }
            Set<List<String>> seen = new HashSet<>();
            for (int r = 0; r < list.size(); r++) {
                if (!seen.add(list.get(r).tokens())) {
                    throw new IllegalArgumentException("item " + i + " lists identifier " + list.get(r).tokens() + " twice");
                }
                if (r > 0 && list.get(r).score() > list.get(r - 1).score()) {
                    throw new IllegalArgumentException("item " + i + ": candidates are not ranked by score (position "
                            + r + " scores " + list.get(r).score() + " > " + list.get(r - 1).score() + ")");
                }
            }
        }
    }

    private static int[] itemOrder(int n) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        return order;
    }

    private static int[] confidentOrder(List<List<Candidate>> candidates) {
        Integer[] order = new Integer[candidates.size()];
        Arrays.setAll(order, i -> i);
        // stable sort: equal best scores keep item order
        Arrays.sort(order, (a, b) -> Double.compare(candidates.get(b).get(0).score(), candidates.get(a).get(0).score()));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    private IdentifierAssignment greedy(List<List<Candidate>> candidates, int[] order, Set<List<String>> reserved) {
        int n = candidates.size();
        Set<List<String>> taken = new HashSet<>(reserved);
        List<List<String>> chosen = new ArrayList<>(java.util.Collections.nCopies(n, (List<String>) null));
        int[] rank = new int[n];
        double total = 0;
        int fallbacks = 0;
        for (int item : order) {
            List<Candidate> list = candidates.get(item);
            rank[item] = -1;
            for (int r = 0; r < list.size(); r++) {
                if (taken.add(list.get(r).tokens())) {
                    rank[item] = r;
                    break;
                }
            }
            if (rank[item] >= 0) {
                chosen.set(item, list.get(rank[item]).tokens());
                total += list.get(rank[item]).score();
            } else {
                chosen.set(item, list.get(0).tokens());
                fallbacks++;
            }
        }
        return new IdentifierAssignment(strategy, chosen, rank, total, fallbacks);
    }

    private IdentifierAssignment optimal(List<List<Candidate>> candidates, Set<List<String>> reserved) {
        int n = candidates.size();
        // columns 0..m-1: distinct candidate identifiers in first-seen order; m + r: item r's fallback
        Map<List<String>, Integer> columnOf = new HashMap<>();
        int[][] cols = new int[n][];
        double[][] cost = new double[n][];
        double maxScore = Double.NEGATIVE_INFINITY;
        double minScore = Double.POSITIVE_INFINITY;
        for (List<Candidate> list : candidates) {
            for (Candidate c : list) {
                maxScore = Math.max(maxScore, c.score());
                minScore = Math.min(minScore, c.score());
            }
        }
        double big = n == 0 ? 1 : (maxScore - minScore + 1) * (n + 1);
        int[][] rankOf = new int[n][]; // rankOf[r][e] = position in item r's list of its edge e
        for (int r = 0; r < n; r++) {
            List<Candidate> list = candidates.get(r);
            int free = 0;
            for (Candidate c : list) {
                free += reserved.contains(c.tokens()) ? 0 : 1;
            }
            cols[r] = new int[free + 1];
            cost[r] = new double[free + 1];
            rankOf[r] = new int[free];
            int e = 0;
            for (int k = 0; k < list.size(); k++) {
                if (reserved.contains(list.get(k).tokens())) {
                    continue;
                }
                Integer col = columnOf.get(list.get(k).tokens());
                if (col == null) {
                    col = columnOf.size();
                    columnOf.put(list.get(k).tokens(), col);
                }
                cols[r][e] = col;
                cost[r][e] = maxScore - list.get(k).score();
                rankOf[r][e++] = k;
            }
        }
        int m = columnOf.size();
        for (int r = 0; r < n; r++) {
            cols[r][cols[r].length - 1] = m + r;
            cost[r][cost[r].length - 1] = big;
        }
        ShortestAugmentingPath sap = new ShortestAugmentingPath(cols, cost, m + n);
        for (int r = 0; r < n; r++) {
            sap.insert(r);
        }
        List<List<String>> chosen = new ArrayList<>(n);
        int[] rank = new int[n];
        double total = 0;
        int fallbacks = 0;
        for (int r = 0; r < n; r++) {
            int e = sap.edgeOf(r);
            List<Candidate> list = candidates.get(r);
            if (e == rankOf[r].length) {
                rank[r] = -1;
                chosen.add(list.get(0).tokens());
                fallbacks++;
            } else {
                int k = rankOf[r][e];
                rank[r] = k;
                chosen.add(list.get(k).tokens());
                total += list.get(k).score();
            }
        }
        return new IdentifierAssignment(strategy, chosen, rank, total, fallbacks);
    }

    /**
     * Min-cost row-perfect assignment on a sparse bipartite graph, rows inserted one at a time
     * (every row must have an edge to a column no other row has, here its fallback column).
     */
    static final class ShortestAugmentingPath {
        private final int[][] cols;
        private final double[][] cost;
        private final double[] price;      // v(j) <= 0; 0 for free columns
        private final int[] rowOfCol;      // -1 when free
        private final int[] edgeOfRow;     // index into cols[r] of the matched edge, -1 before insertion
        private final double[] dist;
        private final int[] stamp;         // dist[j] is valid in the current search iff stamp[j] == search
        private final boolean[] done;
        private final int[] reachedFrom;   // row whose edge reached column j
        private final int[] reachedEdge;   // that edge's index in cols[row]
        private final int[] finalized;
        private final MinHeap heap = new MinHeap();
        private int search;

        ShortestAugmentingPath(int[][] cols, double[][] cost, int numCols) {
            this.cols = cols;
            this.cost = cost;
            this.price = new double[numCols];
            this.rowOfCol = new int[numCols];
            Arrays.fill(rowOfCol, -1);
            this.edgeOfRow = new int[cols.length];
            Arrays.fill(edgeOfRow, -1);
            this.dist = new double[numCols];
            this.stamp = new int[numCols];
            this.done = new boolean[numCols];
            this.reachedFrom = new int[numCols];
            this.reachedEdge = new int[numCols];
            this.finalized = new int[numCols];
        }

        int edgeOf(int row) {
            return edgeOfRow[row];
        }

        /** Row potential u(r): the reduced cost of its matched edge is 0. */
        private double potential(int r) {
            int k = edgeOfRow[r];
            return cost[r][k] - price[cols[r][k]];
        }

        void insert(int s) {
            search++;
            heap.clear();
            double us = Double.POSITIVE_INFINITY;
            for (int k = 0; k < cols[s].length; k++) {
                us = Math.min(us, cost[s][k] - price[cols[s][k]]);
            }
            int numFinal = 0;
            relax(s, 0, us);
            int end = -1;
            double total = 0;
            while (!heap.isEmpty()) {
                double d = heap.topKey();
                int j = heap.pop();
                if (done[j] || d > dist[j]) {
                    continue; // stale entry
                }
                done[j] = true;
                finalized[numFinal++] = j;
                if (rowOfCol[j] < 0) {
                    end = j;
                    total = d;
                    break;
                }
                int r = rowOfCol[j];
                relax(r, d, potential(r));
            }
            if (end < 0) {
                throw new IllegalStateException("row " + s + " has no free column (its fallback column is missing)");
            }
            // price update keeps every reduced cost >= 0 and the shortest-path tree edges tight
            for (int f = 0; f < numFinal; f++) {
                int j = finalized[f];
                done[j] = false;
                if (j != end) {
                    price[j] -= total - dist[j];
                }
            }
            // augment: walk back from the free column, flipping matched and unmatched edges
            int j = end;
            while (true) {
                int r = reachedFrom[j];
                int k = reachedEdge[j];
                int previous = edgeOfRow[r] < 0 ? -1 : cols[r][edgeOfRow[r]];
                edgeOfRow[r] = k;
                rowOfCol[j] = r;
                if (r == s) {
                    break;
                }
                j = previous;
            }
        }

        private void relax(int r, double dr, double ur) {
            int[] cr = cols[r];
            for (int k = 0; k < cr.length; k++) {
                int j = cr[k];
                if (done[j] || k == edgeOfRow[r]) {
                    continue;
                }
                double nd = dr + cost[r][k] - ur - price[j];
                if (stamp[j] != search || nd < dist[j]) {
                    stamp[j] = search;
                    dist[j] = nd;
                    reachedFrom[j] = r;
                    reachedEdge[j] = k;
                    heap.push(nd, j);
                }
            }
        }
    }

    /** Binary min-heap of (key, value) pairs on primitive arrays, with lazy deletion by the caller. */
    static final class MinHeap {
        private double[] keys = new double[64];
        private int[] values = new int[64];
        private int size;

        void clear() {
            size = 0;
        }

        boolean isEmpty() {
            return size == 0;
        }

        double topKey() {
            return keys[0];
        }

        void push(double key, int value) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!less(key, value, keys[parent], values[parent])) {
                    break;
                }
                keys[i] = keys[parent];
                values[i] = values[parent];
                i = parent;
            }
            keys[i] = key;
            values[i] = value;
        }

        int pop() {
            int top = values[0];
            size--;
            if (size > 0) {
                double key = keys[size];
                int value = values[size];
                int i = 0;
                while (true) {
                    int child = 2 * i + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && less(keys[child + 1], values[child + 1], keys[child], values[child])) {
                        child++;
                    }
                    if (!less(keys[child], values[child], key, value)) {
                        break;
                    }
                    keys[i] = keys[child];
                    values[i] = values[child];
                    i = child;
                }
                keys[i] = key;
                values[i] = value;
            }
            return top;
        }

        private static boolean less(double k1, int v1, double k2, int v2) {
            return k1 < k2 || (k1 == k2 && v1 < v2);
        }
    }
}
