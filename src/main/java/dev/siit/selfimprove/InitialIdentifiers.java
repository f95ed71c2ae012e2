package dev.siit.selfimprove;

import dev.siit.data.InteractionDataset;
import dev.siit.ids.IndexFile;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.ids.TrainingItems;
import dev.siit.ids.cid.CidConfig;
import dev.siit.ids.cid.CollaborativeIndexer;
import dev.siit.ids.CollisionResolution;
import dev.siit.ids.CollisionResolver;
import dev.siit.ids.IndexedItems;
import dev.siit.ids.rqvae.RqVaeConfig;
import dev.siit.ids.rqvae.RqVaeIndexer;
import dev.siit.io.InputException;
import java.nio.file.Path;

/**
 * T0, the identifiers SIIT starts from (paper, Section 2.2): made by an indexer of the ids
 * package from the training interactions only, or read from a {@code .index.json} file.
 */
public final class InitialIdentifiers {
    private InitialIdentifiers() {
    }

    /** T0 for {@code config.initializer()}, seeded by {@code config.seed()}. */
    public static ItemIdentifiers make(SiitConfig config, InteractionDataset data) {
        return switch (config.initializer()) {
            case "file" -> IndexFile.read(Path.of(config.indexFile()), data);
            // CID identifiers are unique by construction (the last level is the position in the leaf)
            case "cid" -> new CollaborativeIndexer(CidConfig.DEFAULT).index(TrainingItems.of(data), config.seed()).ids();
            // TIGER: RQ-VAE over MiniLM title embeddings, collisions broken by an appended level
            case "tiger" -> {
                data.requireTitles("the TIGER initializer");
                IndexedItems raw = new RqVaeIndexer("tiger", RqVaeConfig.TIGER, deviceName(config), false, null)
                        .index(TrainingItems.of(data), config.seed());
                yield CollisionResolver.resolve(raw, CollisionResolution.SUFFIX, "tiger");
            }
            // LETTER needs collaborative (SASRec) embeddings; without them make the index with
            // 'siit index --method letter --cf-embeddings FILE' and use initializer: file
            case "letter" -> {
                data.requireTitles("the LETTER initializer");
                IndexedItems raw = new RqVaeIndexer("letter", RqVaeConfig.LETTER, deviceName(config), false, null)
                        .index(TrainingItems.of(data), config.seed());
                yield CollisionResolver.resolve(raw, CollisionResolution.SINKHORN, "letter");
            }
            default -> throw new InputException("unknown initializer " + config.initializer());
        };
    }

    private static String deviceName(SiitConfig config) {
        return config.device().startsWith("gpu") ? "gpu" : "cpu";
    }
}
