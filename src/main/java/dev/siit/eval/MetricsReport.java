package dev.siit.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siit.io.AtomicFiles;
import dev.siit.io.VersionedJson;
import dev.siit.run.Provenance;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code metrics.json} of a run:
 *
 * <pre>{@code
 * {"version": 1, "split": "test", "users": 943,
 *  "metrics": {"recall@1": ..., "ndcg@1": ..., "coverage@1": ..., ..., "groundTruthCoverage": ...},
 *  "provenance": {...}}
 * }</pre>
 *
 * @param version    {@link #VERSION}
 * @param split      {@code valid} or {@code test}
 * @param users      number of evaluated users
 * @param metrics    metric name -> value (full ranking over all items)
 * @param provenance what produced the ranking
 */
public record MetricsReport(int version, String split, int users, Map<String, Double> metrics, Provenance provenance) {
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static MetricsReport of(EvaluationResult result, String split, Provenance provenance) {
        return new MetricsReport(VERSION, split, result.users(), new LinkedHashMap<>(result.metrics()), provenance);
    }

    /** Writes the report atomically. */
    public void write(Path file) {
        AtomicFiles.write(file, out -> out.write(JSON.writeValueAsBytes(this)));
    }

    /** Reads a report, rejecting unknown versions. */
    public static MetricsReport read(Path file) {
        return VersionedJson.read(JSON, file, MetricsReport.class, "metrics", MetricsReport::version, VERSION);
    }

    public double get(String metric) {
        Double v = metrics.get(metric);
        if (v == null) {
            throw new IllegalArgumentException("no metric " + metric + " (have " + metrics.keySet() + ")");
        }
        return v;
    }
}
