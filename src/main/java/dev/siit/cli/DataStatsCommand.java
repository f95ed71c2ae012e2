package dev.siit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siit.data.DatasetFormat;
import dev.siit.data.DatasetLoader;
import dev.siit.data.InteractionDataset;
import dev.siit.data.LeaveOneOutSplit;
import dev.siit.io.PhaseTimer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code siit data stats}: loads, filters and splits a dataset and prints what came out. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Load a dataset (k-core filtered, leave-one-out split) and print its statistics.")
public final class DataStatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--source", required = true, paramLabel = "PATH",
            description = "MovieLens folder, LETTER folder or NAME.inter.json, or CSV file/folder.")
    Path source;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "movielens, letter or csv (default: detected from the files).")
    String format;

    @Option(names = "--kcore", defaultValue = "" + DatasetLoader.DEFAULT_KCORE, paramLabel = "K",
            description = "Iterative k-core filter on users and items (default: ${DEFAULT-VALUE}; 0 = none).")
    int kcore;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        DatasetFormat f = format == null ? null : DatasetFormat.parse(format);
        InteractionDataset data = PhaseTimer.time("load " + source, () -> DatasetLoader.load(source, f, kcore));
        Map<String, Object> stats = stats(data, f == null ? DatasetFormat.detect(source) : f, kcore);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(stats));
        } else {
            out.print(table(stats));
        }
        out.flush();
        return 0;
    }

    /** Every statistic, in print order. */
    static Map<String, Object> stats(InteractionDataset data, DatasetFormat format, int kcore) {
        LeaveOneOutSplit split = LeaveOneOutSplit.of(data, LeaveOneOutSplit.DEFAULT_MAX_HISTORY);
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int[] s : data.sequences()) {
            min = Math.min(min, s.length);
            max = Math.max(max, s.length);
        }
        long n = data.numInteractions();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", data.name());
        m.put("format", format.name().toLowerCase(Locale.ROOT));
        m.put("kcore", kcore);
        m.put("users", data.numUsers());
        m.put("items", data.numItems());
        m.put("interactions", n);
        m.put("meanSequenceLength", n / (double) data.numUsers());
        m.put("minSequenceLength", min);
        m.put("maxSequenceLength", max);
        // share of the user x item matrix without an interaction (repeats count once per row)
        m.put("sparsity", 1.0 - n / ((double) data.numUsers() * data.numItems()));
        m.put("trainExamples", split.trainExamples().size());
        m.put("validExamples", split.validExamples().size());
        m.put("testExamples", split.testExamples().size());
        m.put("itemsWithTitle", data.itemsWithTitle());
        m.put("fingerprint", data.fingerprint());
        return m;
    }

    private static String table(Map<String, Object> s) {
        StringBuilder b = new StringBuilder();
        row(b, "dataset", s.get("dataset") + " (" + s.get("format") + ", " + s.get("kcore") + "-core)");
        row(b, "users", count(s.get("users")));
        row(b, "items", count(s.get("items")));
        row(b, "interactions", count(s.get("interactions")));
        row(b, "sequence length", String.format(Locale.ROOT, "mean %.2f, min %d, max %d",
                (double) s.get("meanSequenceLength"), (int) s.get("minSequenceLength"), (int) s.get("maxSequenceLength")));
        row(b, "sparsity", String.format(Locale.ROOT, "%.4f%%", 100 * (double) s.get("sparsity")));
        row(b, "examples", "train " + count(s.get("trainExamples")) + ", validation " + count(s.get("validExamples"))
                + ", test " + count(s.get("testExamples")) + " (leave-one-out)");
        row(b, "items with title", count(s.get("itemsWithTitle")));
        row(b, "fingerprint", String.valueOf(s.get("fingerprint")));
        return b.toString();
    }

    private static void row(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-18s%s%n", key, value));
    }

    private static String count(Object n) {
        return String.format(Locale.ROOT, "%,d", ((Number) n).longValue());
    }
}
