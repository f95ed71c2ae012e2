package dev.siit.ids.cid;

/**
 * CID settings (Hua et al.; OpenP5 uses 20 clusters and leaf sizes 100 or 500).
 *
 * @param clusters      N, clusters per split
 * @param maxLeafSize   a cluster with more items is split again
 * @param window        co-occurrence window in positions; 0 = every pair of a user's training items
 * @param kmeansRuns    k-means++ restarts per split (best inertia kept)
 * @param kmeansMaxIter Lloyd iterations per run
 */
public record CidConfig(int clusters, int maxLeafSize, int window, int kmeansRuns, int kmeansMaxIter) {
    public static final CidConfig DEFAULT = new CidConfig(20, 100, 0, 10, 300);

    public CidConfig {
        require(clusters >= 2, "clusters must be >= 2, got " + clusters);
        require(maxLeafSize >= clusters, "maxLeafSize must be >= clusters (" + clusters + "), got " + maxLeafSize);
        require(window >= 0, "window must be >= 0 (0 = whole sequence), got " + window);
        require(kmeansRuns >= 1 && kmeansMaxIter >= 1, "kmeansRuns and kmeansMaxIter must be >= 1");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
