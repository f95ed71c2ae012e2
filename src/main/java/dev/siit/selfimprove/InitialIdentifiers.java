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
                IndexedItems raw = new RqVaeIndexer("tiger", RqVaeConfig.TIGER, deviceName(config), false, null)
                        .index(titledItems(config, data, "the TIGER initializer"), config.seed());
                yield CollisionResolver.resolve(raw, CollisionResolution.SUFFIX, "tiger");
            }
            // LETTER: the same RQ-VAE plus the collaborative regulariser over cf_embeddings
            case "letter" -> {
                RqVaeConfig letter = RqVaeConfig.LETTER.withCfEmbeddings(config.cfEmbeddings());
                IndexedItems raw = new RqVaeIndexer("letter", letter, deviceName(config), false, null)
                        .index(titledItems(config, data, "the LETTER initializer"), config.seed());
                yield CollisionResolver.resolve(raw, CollisionResolution.SINKHORN, "letter");
            }
            default -> throw new InputException("unknown initializer " + config.initializer());
        };
    }

    /** The training items, every one with a title: placeholders when the config allows them. */
    private static TrainingItems titledItems(SiitConfig config, InteractionDataset data, String purpose) {
        TrainingItems items = TrainingItems.of(data);
        if (config.placeholderTitles()) {
            return items.withPlaceholderTitles(purpose);
        }
        items.requireTitles(purpose, "placeholder_titles: true");
        return items;
    }

    private static String deviceName(SiitConfig config) {
        return config.device().startsWith("gpu") ? "gpu" : "cpu";
    }
}
