package dev.siit.data;

import dev.siit.io.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic CSV source (UTF-8, RFC 4180 quoting, header row, columns in any order).
 *
 * <p>Where the files are: {@code --source} is either
 * <ul>
 *   <li>a folder holding {@code interactions.csv} and optionally {@code items.csv}, or</li>
 *   <li>an interactions file {@code NAME.csv}; the items file is then {@code items.csv} in the
 *       same folder, when there is one.</li>
 * </ul>
 *
 * <p>Interactions: columns {@code user,item,timestamp} and optionally {@code rating}.
 * Timestamps are whole numbers (e.g. unix seconds); a user's interactions are ordered by
 * timestamp, ties by position in the file. A rating, when present, must be a number but does
 * not filter anything: every row is one implicit interaction, as in the paper.
 *
 * <p>Items: columns {@code item,title} and optionally {@code text} (alias {@code description});
 * each item at most once. Items listed there but never interacted with are ignored; interacted
 * items missing from it have no text.
 */
final class CsvSource {
    static final String INTERACTIONS_FILE = "interactions.csv";
    static final String ITEMS_FILE = "items.csv";

    private CsvSource() {
    }

    static RawInteractions read(Path source, List<Path> inputs) {
        Path interactions;
        if (Files.isDirectory(source)) {
            interactions = source.resolve(INTERACTIONS_FILE);
            if (!Files.isRegularFile(interactions)) {
                throw new InputException("CSV folder " + source + " has no " + INTERACTIONS_FILE
                        + " (columns user,item,timestamp[,rating])");
            }
        } else {
            interactions = DatasetLoader.requireFile(source);
            if (ITEMS_FILE.equals(source.getFileName().toString())) {
                throw new InputException(source + " is the items file: give the interactions CSV "
                        + "(user,item,timestamp[,rating]) or its folder as the source");
            }
        }
        Path items = interactions.toAbsolutePath().resolveSibling(ITEMS_FILE);
        RawInteractions raw = new RawInteractions();
        inputs.add(interactions);
        CsvTable.read(interactions, List.of("user", "item", "timestamp"), List.of("rating"), Map.of(), row -> {
            String user = row.require("user");
            String item = row.require("item");
            String ts = row.require("timestamp");
            long time;
            try {
                time = Long.parseLong(ts);
            } catch (NumberFormatException e) {
                throw row.error("timestamp '" + ts + "' is not a whole number");
            }
            String rating = row.get("rating");
            if (rating != null) {
                try {
                    double r = Double.parseDouble(rating);
                    if (!Double.isFinite(r)) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw row.error("rating '" + rating + "' is not a number");
                }
            }
            raw.add(user, item, time);
        });
        if (Files.isRegularFile(items)) {
            inputs.add(items);
            Map<String, Integer> seenAt = new HashMap<>();
            CsvTable.read(items, List.of("item", "title"), List.of("text"), Map.of("description", "text"), row -> {
                String item = row.require("item");
                Integer first = seenAt.putIfAbsent(item, row.line());
                if (first != null) {
                    throw row.error("item " + item + " appears again (first at line " + first + ")");
                }
                raw.putText(item, new ItemText(row.get("title"), row.get("text")));
            });
        }
        return raw;
    }
}
