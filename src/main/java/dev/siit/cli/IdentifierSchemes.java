package dev.siit.cli;

import dev.siit.data.InteractionDataset;
import dev.siit.ids.IndexFile;
import dev.siit.ids.ItemIdentifiers;
import dev.siit.ids.SequentialIndexer;
import dev.siit.ids.TrainingItems;
import dev.siit.io.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The identifiers a {@code --ids} option names: an {@code .index.json} file (LETTER format, read
 * by {@link IndexFile}) or a built-in simple scheme: {@code sid} (the ids package's
 * {@link SequentialIndexer}: items numbered from 1001 in order of first appearance in the
 * training sequences, one token per decimal digit) or {@code iid} (one token {@code <a_n>} per
 * item, n = the DENSE item index).
 *
 * <p>{@code iid} here is not {@code siit index --method iid} ({@link dev.siit.ids.IndependentIndexer}
 * numbers items in training first-appearance order): runs trained with {@code --ids iid} record
 * only the name {@code iid} and rebuild their tokens from it, so its numbering must not change.
 */
final class IdentifierSchemes {
    private IdentifierSchemes() {
    }

    /**
     * @param trainSequences the training parts of the users' sequences (the run's split), from
     *                       which {@code sid} numbers the items
     */
    static ItemIdentifiers resolve(String spec, InteractionDataset data, int[][] trainSequences) {
        return switch (spec) {
            case "sid" -> new SequentialIndexer().index(
                    new TrainingItems(data.name(), data.itemIds(), data.itemTexts(), trainSequences), 0).ids();
            case "iid" -> denseIndependent(data);
            default -> readIndex(Path.of(spec), data);
        };
    }

    /** {@code <a_i>} for dense item i. */
    static ItemIdentifiers denseIndependent(InteractionDataset data) {
        List<List<String>> tokens = new ArrayList<>(data.numItems());
        for (int i = 0; i < data.numItems(); i++) {
            tokens.add(List.of(IndexFile.token(0, i)));
        }
        return new ItemIdentifiers(tokens);
    }

    static ItemIdentifiers readIndex(Path file, InteractionDataset data) {
        if (!Files.isRegularFile(file)) {
            throw new InputException("--ids must be sid, iid or an .index.json file; no such file: " + file);
        }
        return IndexFile.read(file, data);
    }
}
