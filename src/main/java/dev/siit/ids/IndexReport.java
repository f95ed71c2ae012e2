package dev.siit.ids;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siit.io.AtomicFiles;
import dev.siit.run.Provenance;
import java.nio.file.Path;
import java.util.Map;

/**
 * The content of {@code index-stats.json}: statistics of the final identifiers (and of the raw
 * ones, before collision resolution) with the provenance that made them.
 *
 * @param format       file format version
 * @param method       indexer ({@code sid}, {@code cid}, ...)
 * @param collisions   collision resolution applied
 * @param seed         seed handed to the indexer
 * @param config       the indexer's resolved configuration
 * @param dataset      dataset name
 * @param dataFingerprint the dataset's fingerprint (input files and filter settings)
 * @param indexFile    the {@code .index.json} described
 * @param placeholderTitles items that got the placeholder title "item <id>" (--placeholder-titles)
 * @param seconds      wall-clock time of the indexer plus collision resolution
 * @param stats        statistics of the written identifiers
 * @param rawStats     statistics before collision resolution
 * @param training     trained indexers (TIGER, LETTER): best epoch, its collision rate and
 *                     reconstruction error, one line per evaluation; null otherwise
 * @param provenance   full provenance like every other artifact: command line, config hash
 *                     ({@link #configHash}), data fingerprint, seed, git commit and dirty flag,
 *                     Java and library versions
 */
public record IndexReport(String format, String method, String collisions, long seed, Map<String, Object> config,
                          String dataset, String dataFingerprint, String indexFile, int placeholderTitles, double seconds,
                          IdentifierStats stats, IdentifierStats rawStats, Map<String, Object> training,
                          Provenance provenance) {
    /** Version 2 added {@code provenance}; the other fields are those of version 1. */
    public static final String FORMAT = "siit-index-stats/2";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The config hash recorded in {@link Provenance#configHash()}: {@link dev.siit.run.RunDirectory#hash}
     * of the method, the collision resolution and the resolved indexer configuration, so two
     * index files made the same way from the same data and seed have the same hash.
     */
    public static String configHash(String method, String collisions, Map<String, Object> config) {
        return dev.siit.run.RunDirectory.hash(method, collisions, config);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Path file) {
        AtomicFiles.writeString(file, toJson());
    }

    public static String statsJson(IdentifierStats s) {
        try {
            return JSON.writeValueAsString(s) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
