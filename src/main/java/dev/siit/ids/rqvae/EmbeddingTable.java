package dev.siit.ids.rqvae;

import dev.siit.io.AtomicFiles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
        int dim = rows[0].length;
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.length + ", " + dim + "), }";
        int unpadded = 10 + header.length() + 1; // magic(6) + version(2) + len(2) + header + '\n'
        int pad = (64 - unpadded % 64) % 64;
        StringBuilder h = new StringBuilder(header);
        h.append(" ".repeat(pad)).append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer bb = ByteBuffer.allocate(10 + hb.length + rows.length * dim * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        bb.putShort((short) hb.length).put(hb);
        for (float[] r : rows) {
            for (float v : r) {
                bb.putFloat(v);
            }
        }
        Path ids = npy.resolveSibling(name.substring(0, name.length() - 4) + ".items.json");
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < itemIds.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"')
                    .append(new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
                            .quoteAsString(itemIds.get(i)))).append('"');
        }
        json.append("]\n");
        AtomicFiles.writeString(ids, json.toString());
        AtomicFiles.write(npy, out -> out.write(bb.array()));
    }
}
