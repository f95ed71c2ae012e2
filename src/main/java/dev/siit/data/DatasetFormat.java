package dev.siit.data;

import dev.siit.io.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The source formats a dataset can be read from. */
public enum DatasetFormat {
    /** A MovieLens-100K folder: {@code u.data} and {@code u.item}. */
    MOVIELENS,
    /** LETTER / LC-Rec JSON: {@code NAME.inter.json}, optional {@code NAME.item.json}. */
    LETTER,
    /** {@code user,item,timestamp[,rating]} CSV with a header, optional items CSV. */
    CSV;

    public static DatasetFormat parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputException("unknown dataset format '" + s + "': use movielens, letter or csv");
        }
    }

    /** Detects the format from the files in {@code source} (a folder, or a CSV file). */
    public static DatasetFormat detect(Path source) {
        if (!Files.exists(source)) {
            throw new InputException("no such file or folder: " + source);
        }
        if (Files.isRegularFile(source)) {
            String n = source.getFileName().toString();
            if (n.endsWith(".inter.json")) {
                return LETTER;
            }
            if (n.endsWith(".csv")) {
                return CSV;
            }
            throw new InputException("cannot tell the format of " + source
                    + ": give a MovieLens folder, a folder with NAME.inter.json, or a .csv file (or --format)");
        }
        if (Files.isRegularFile(source.resolve("u.data"))) {
            return MOVIELENS;
        }
        try (var files = Files.list(source)) {
            var names = files.map(p -> p.getFileName().toString()).toList();
            if (names.stream().anyMatch(n -> n.endsWith(".inter.json"))) {
                return LETTER;
            }
            if (names.stream().anyMatch(n -> n.endsWith(".csv"))) {
                return CSV;
            }
        } catch (java.io.IOException e) {
            throw new InputException("cannot list " + source + ": " + e.getMessage());
        }
        throw new InputException("cannot tell the format of " + source
                + ": no u.data, *.inter.json or *.csv in it (use --format)");
    }
}
