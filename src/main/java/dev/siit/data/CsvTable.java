package dev.siit.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.siit.io.InputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an RFC 4180 CSV file with a header row (UTF-8, comma-separated, fields may be quoted and
 * then hold commas, quotes and line breaks) and hands every record to a callback together with
 * the line it starts on, so every error can name the file and the line.
 *
 * <p>Columns are found by header name (case-insensitive, surrounding spaces ignored), so their
 * order is free; a missing required column or a column nobody asked for is an error, because a
 * misspelt header silently ignored would be worse.
 */
final class CsvTable {
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .disable(CsvParser.Feature.ALLOW_TRAILING_COMMA)
            .build();

    private CsvTable() {
    }

    /** One record: {@code line} is the 1-based line it starts on. */
    interface RowHandler {
        void row(Row row);
    }

    /** A record with its column lookup. */
    record Row(Path file, int line, Map<String, Integer> columns, List<String> fields) {
        /** The stripped value of {@code column}, or null when the column is optional and absent. */
        String get(String column) {
            Integer c = columns.get(column);
            return c == null ? null : fields.get(c).strip();
        }

        /** The value of a column that must be present and non-empty. */
        String require(String column) {
            String v = get(column);
            if (v == null || v.isEmpty()) {
                throw new InputException(file + " line " + line + ": empty " + column + " field");
            }
            return v;
        }

        InputException error(String what) {
            return new InputException(file + " line " + line + ": " + what);
        }
    }

    /**
     * Reads {@code file}; {@code aliases} maps accepted header names to the canonical column name
     * (e.g. {@code description -> text}).
     */
    static void read(Path file, List<String> required, List<String> optional, Map<String, String> aliases,
                     RowHandler handler) {
        DatasetLoader.requireFile(file);
        // strict UTF-8: a Latin-1 file fails with a clear message instead of turning into mojibake
        try (Reader reader = new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder());
             JsonParser p = CSV.getFactory().createParser(reader)) {
            Map<String, Integer> columns = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_ARRAY) {
                    throw new InputException(file + " line " + lineOf(p.currentTokenLocation())
                            + ": unexpected CSV structure");
                }
                int line = lineOf(p.currentTokenLocation());
                List<String> fields = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        throw new InputException(file + " line " + line + ": record is not terminated");
                    }
                    fields.add(p.getText());
                }
                // a BOM written by spreadsheet programs sits in front of the first header name
                if (columns == null) {
                    if (!fields.isEmpty()) {
                        fields.set(0, fields.get(0).replace("\uFEFF", ""));
                    }
                    columns = header(file, line, fields, required, optional, aliases);
                    continue;
                }
                if (fields.size() != columns.size()) {
                    throw new InputException(file + " line " + line + ": expected " + columns.size()
                            + " fields (" + String.join(",", columns.keySet()) + "), found " + fields.size());
                }
                handler.row(new Row(file, line, columns, fields));
            }
            if (columns == null) {
                throw new InputException(file + " is empty: expected a header row "
                        + String.join(",", required));
            }
        } catch (CharacterCodingException e) {
            throw new InputException(file + " is not valid UTF-8 (" + e.getMessage() + ")", e);
        } catch (JsonProcessingException e) {
            throw new InputException(file + " line " + lineOf(e.getLocation()) + ": malformed CSV ("
                    + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> header(Path file, int line, List<String> names, List<String> required,
                                               List<String> optional, Map<String, String> aliases) {
        Map<String, Integer> columns = new java.util.LinkedHashMap<>();
        for (int c = 0; c < names.size(); c++) {
            String raw = names.get(c).strip().toLowerCase(Locale.ROOT);
            String name = aliases.getOrDefault(raw, raw);
            if (!required.contains(name) && !optional.contains(name)) {
                throw new InputException(file + " line " + line + ": unknown column '" + names.get(c).strip()
                        + "' in the header (expected " + describe(required, optional) + ")");
            }
            if (columns.put(name, c) != null) {
                throw new InputException(file + " line " + line + ": column '" + name + "' appears twice in the header");
            }
        }
        for (String r : required) {
            if (!columns.containsKey(r)) {
                throw new InputException(file + " line " + line + ": the header has no '" + r + "' column (expected "
                        + describe(required, optional) + ")");
            }
        }
        return columns;
    }

    private static String describe(List<String> required, List<String> optional) {
        String s = String.join(",", required);
        return optional.isEmpty() ? s : s + "[," + String.join(",", optional) + "]";
    }

    private static int lineOf(JsonLocation loc) {
        return loc == null ? 0 : loc.getLineNr();
    }
}
