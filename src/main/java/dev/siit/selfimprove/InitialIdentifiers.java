package dev.siit.selfimprove;

import dev.siit.data.InteractionDataset;
import dev.siit.ids.IndexFile;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.ids.TrainingItems;
import dev.siit.ids.cid.CidConfig;
import dev.siit.ids.cid.CollaborativeIndexer;
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
            default -> throw new InputException("initializer " + config.initializer() + " is not available in this build "
                    + "(the RQ-VAE indexers are not merged yet); make its index with 'siit index' and use "
                    + "initializer: file with index_file: PATH");
        };
    }
}
