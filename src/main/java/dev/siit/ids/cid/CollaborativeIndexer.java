package dev.siit.ids.cid;

import dev.siit.ids.IndexFile;
import dev.siit.ids.IndexedItems;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.ids.ItemIndexer;
import dev.siit.ids.KMeans;
import dev.siit.ids.TrainingItems;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CID, collaborative indexing (Hua et al., 2023; OpenP5): hierarchical spectral clustering of
 * the item co-occurrence graph of the training sequences.
 *
 * <p>A set of items is split into N clusters: the leading N eigenvectors of its normalised
 * co-occurrence graph (induced on the set), rows normalised to unit length, k-means++ on the
 * rows. Every cluster with more than {@code maxLeafSize} items is split again the same way on
 * its own induced graph. The token at level l is the item's cluster index at level l
 * ({@code <a_3><b_17>...}); items of a leaf get one last token for their position in the leaf
 * (ascending dense item order), so identifiers are unique by construction. Items without any
 * co-occurrence inside the set being split (degree 0: never in a training sequence with another
 * item of the set) form one extra cluster, index N, and a degree-0 set too large for a leaf is cut
 * into chunks of {@code maxLeafSize} in item order: the graph says nothing about them.
 */
public final class CollaborativeIndexer implements ItemIndexer {
    private static final Logger LOG = LoggerFactory.getLogger(CollaborativeIndexer.class);
    private static final int MAX_LEVELS = 25; // the leaf position needs the 26th letter at most

    private final CidConfig config;

    public CollaborativeIndexer(CidConfig config) {
        this.config = config;
    }

    @Override
    public String method() {
        return "cid";
    }

    @Override
    public IndexedItems index(TrainingItems items, long seed) {
        CooccurrenceGraph g = CooccurrenceGraph.fromSequences(items.numItems(), items.train(), config.window());
        LOG.info("co-occurrence graph: {} items, {} non-zero entries", g.n(), g.nnz());
        return new IndexedItems(cluster(g, new SplittableRandom(seed)));
    }

    /** Identifiers of the nodes of {@code g}. */
    public ItemIdentifiers cluster(CooccurrenceGraph g, SplittableRandom rnd) {
        List<List<String>> tokens = new ArrayList<>(g.n());
        for (int i = 0; i < g.n(); i++) {
            tokens.add(new ArrayList<>());
        }
        int[] all = new int[g.n()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        split(g, all, 0, tokens, rnd);
        return new ItemIdentifiers(tokens);
    }

    private void split(CooccurrenceGraph g, int[] nodes, int level, List<List<String>> tokens, SplittableRandom rnd) {
        if (nodes.length <= config.maxLeafSize() || level >= MAX_LEVELS - 1) {
            for (int k = 0; k < nodes.length; k++) {
                tokens.get(nodes[k]).add(IndexFile.token(level, k));
            }
            return;
        }
        List<int[]> clusters = partition(g, nodes, rnd.split());
        for (int c = 0; c < clusters.size(); c++) {
            for (int node : clusters.get(c)) {
                tokens.get(node).add(IndexFile.token(level, c));
            }
        }
        for (int[] members : clusters) {
            split(g, members, level + 1, tokens, rnd.split());
        }
    }

    /** Splits {@code nodes} (ascending) into at most N + 1 non-empty clusters, members ascending. */
    List<int[]> partition(CooccurrenceGraph g, int[] nodes, SplittableRandom rnd) {
        CooccurrenceGraph sub = g.induced(nodes);
        double[] deg = sub.degrees();
        List<Integer> connected = new ArrayList<>();
        List<Integer> isolated = new ArrayList<>();
        for (int k = 0; k < nodes.length; k++) {
            (deg[k] > 0 ? connected : isolated).add(k);
        }
        int n = config.clusters();
        List<int[]> out = new ArrayList<>();
        if (connected.size() > n) {
            int[] conn = connected.stream().mapToInt(Integer::intValue).toArray();
            CooccurrenceGraph core = conn.length == nodes.length ? sub : sub.induced(conn);
            double[][] rows = SpectralEmbedding.leadingEigenvectors(core, n, rnd.split());
            for (double[] r : rows) { // Ng-Jordan-Weiss: project rows onto the unit sphere
                double norm = 0;
                for (double v : r) {
                    norm += v * v;
                }
                norm = Math.sqrt(norm);
                if (norm > 0) {
                    for (int j = 0; j < r.length; j++) {
                        r[j] /= norm;
                    }
                }
            }
            KMeans km = KMeans.fit(rows, n, config.kmeansRuns(), config.kmeansMaxIter(), rnd.split());
            List<List<Integer>> byLabel = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                byLabel.add(new ArrayList<>());
            }
            for (int k = 0; k < conn.length; k++) {
                byLabel.get(km.labels()[k]).add(nodes[conn[k]]);
            }
            for (List<Integer> members : byLabel) {
                if (!members.isEmpty()) {
                    out.add(members.stream().mapToInt(Integer::intValue).toArray());
                }
            }
            if (out.size() == 1) {
                // spectral clustering found no structure: cut by item order so recursion ends
                LOG.warn("spectral split of {} items gave one cluster; cutting it into {} chunks", conn.length, n);
                out.clear();
                int[] only = nodes(nodes, conn);
                out.addAll(chunks(only, (only.length + n - 1) / n));
            }
        } else if (!connected.isEmpty()) {
            for (int k : connected) { // fewer connected items than clusters: one cluster each
                out.add(new int[] {nodes[k]});
            }
        }
        if (!isolated.isEmpty()) {
            int[] iso = isolated.stream().mapToInt(k -> nodes[k]).toArray();
            if (out.isEmpty()) { // nothing co-occurs: the graph cannot guide the split
                out.addAll(chunks(iso, config.maxLeafSize()));
            } else {
                out.add(iso);
            }
        }
        return out;
    }

    private static int[] nodes(int[] nodes, int[] local) {
        int[] out = new int[local.length];
        for (int k = 0; k < local.length; k++) {
            out[k] = nodes[local[k]];
        }
        return out;
    }

    private static List<int[]> chunks(int[] xs, int size) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < xs.length; i += size) {
            out.add(java.util.Arrays.copyOfRange(xs, i, Math.min(xs.length, i + size)));
        }
        return out;
    }
}
