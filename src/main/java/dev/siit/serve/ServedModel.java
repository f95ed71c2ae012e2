package dev.siit.serve;

import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.data.LeaveOneOutSplit;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one server answers with: a recommender, the catalogue naming its items, the dataset
 * provenance shown under {@code /info}, and what to release at shutdown (model weights, engine
 * memory; null when nothing).
 */
public record ServedModel(ItemCatalog catalog, Recommender recommender, Map<String, Object> dataset,
                          AutoCloseable resources) implements AutoCloseable {

    public ServedModel(ItemCatalog catalog, Recommender recommender, Map<String, Object> dataset) {
        this(catalog, recommender, dataset, null);
    }

    @Override
    public void close() throws Exception {
        if (resources != null) {
            resources.close();
        }
    }

    /**
     * The co-occurrence baseline over the training split of {@code source} (no trained run
     * needed). Validation and test interactions never reach the counts.
     */
    public static ServedModel cooccurrence(Path source, int kcore, int maxHistory) {
        InteractionDataset data = DatasetLoader.load(source, null, kcore);
        LeaveOneOutSplit split = LeaveOneOutSplit.of(data, maxHistory);
        CooccurrenceRecommender rec = new CooccurrenceRecommender(split.train(), data.numItems(), maxHistory,
                CooccurrenceRecommender.DEFAULT_WINDOW, CooccurrenceRecommender.DEFAULT_DECAY);
        return new ServedModel(ItemCatalog.of(data, split.train(), null), rec, describe(data, source, kcore));
    }

    /** Dataset provenance for /info. */
    public static Map<String, Object> describe(InteractionDataset data, Path source, int kcore) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", data.name());
        m.put("source", source.toAbsolutePath().normalize().toString());
        m.put("kcore", kcore);
        m.put("fingerprint", data.fingerprint());
        m.put("users", data.numUsers());
        m.put("items", data.numItems());
        m.put("interactions", data.numInteractions());
        return m;
    }
}
