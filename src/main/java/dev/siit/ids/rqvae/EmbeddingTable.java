package dev.siit.ids.rqvae;

import dev.siit.io.AtomicFiles;
import dev.siit.io.NpyMatrix;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an item embedding table as {@code NAME.npy} (float32, C order, shape (items, dim)) plus
 * {@code NAME.items.json} (the original item ids of the rows), the format
 * {@link CollaborativeEmbeddings} reads. Used to cache MiniLM text embeddings between TIGER and
 * LETTER runs.
 */
public final class EmbeddingTable {
    private EmbeddingTable() {
    }

    public static void write(Path npy, List<String> itemIds, float[][] rows) {
        String name = npy.getFileName().toString();
        if (!name.endsWith(".npy")) {
            throw new IllegalArgumentException("embedding table must end in .npy: " + npy);
        }
        NpyMatrix matrix = NpyMatrix.of(rows);
        Path ids = npy.resolveSibling(name.substring(0, name.length() - 4) + ".items.json");
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < itemIds.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"')
                    .append(new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
                            .quoteAsString(itemIds.get(i)))).append('"');
        }
        json.append("]\n");
        AtomicFiles.writeString(ids, json.toString());
        matrix.write(npy);
    }
}
