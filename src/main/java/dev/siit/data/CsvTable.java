package dev.siit.data;

import dev.siit.io.InputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an RFC 4180 CSV file with a header row: UTF-8 (a leading byte-order mark is ignored),
 * comma-separated, records end with LF, CRLF or CR, a field in double quotes may hold commas,
 * line breaks and doubled quotes ({@code ""}). Blank lines are skipped. Every record is handed
 * over with the line it starts on, so every error names the file and the line.
 *
 * <p>A small hand-written reader rather than a library: the line a record starts on must be
 * exact (quoted fields can span lines), and a stray quote must be an error, not a guess.
 *
 * <p>Columns are found by header name (case-insensitive, surrounding spaces ignored), so their
 * order is free; a missing required column or an unknown column is an error, because a
 * misspelt header silently ignored would be worse.
 */
final class CsvTable {
    private CsvTable() {
    }

    /** Receives one record. */
    interface RowHandler {
        void row(Row row);
    }

    /**
     * One record.
     *
     * @param line 1-based line the record starts on
     */
    record Row(Path file, int line, Map<String, Integer> columns, List<String> fields) {
        /** The stripped value of {@code column}, or null when the (optional) column is absent. */
        String get(String column) {
            Integer c = columns.get(column);
            return c == null ? null : fields.get(c).strip();
        }

        /** The value of a column that must be present and non-empty. */
        String require(String column) {
            String v = get(column);
            if (v == null || v.isEmpty()) {
                throw error("empty " + column + " field");
            }
            return v;
        }

        InputException error(String what) {
            return new InputException(file + " line " + line + ": " + what);
        }
    }

    /**
     * Reads {@code file}; {@code aliases} maps accepted header names to the canonical column
     * name (e.g. {@code description -> text}).
     */
    static void read(Path file, List<String> required, List<String> optional, Map<String, String> aliases,
                     RowHandler handler) {
        DatasetLoader.requireFile(file);
        // strict UTF-8: a Latin-1 file fails with a clear message instead of becoming mojibake
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16)) {
            Records records = new Records(file, in);
            Map<String, Integer> columns = null;
            List<String> fields;
            while ((fields = records.next()) != null) {
                if (columns == null) {
                    columns = header(file, records.recordLine, fields, required, optional, aliases);
                    continue;
                }
                if (fields.size() != columns.size()) {
                    throw new InputException(file + " line " + records.recordLine + ": expected " + columns.size()
                            + " fields (" + String.join(",", columns.keySet()) + "), found " + fields.size());
                }
                handler.row(new Row(file, records.recordLine, columns, fields));
            }
            if (columns == null) {
                throw new InputException(file + " is empty: expected a header row " + String.join(",", required));
            }
        } catch (CharacterCodingException e) {
            throw new InputException(file + " is not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The RFC 4180 state machine over characters. */
    private static final class Records {
        private final Path file;
        private final BufferedReader in;
        private int line = 1;      // line of the next character
        private int recordLine;    // line the last returned record started on
        private int peeked = -2;   // one character of look-ahead (-2 = none)
        private boolean first = true;

        Records(Path file, BufferedReader in) {
            this.file = file;
            this.in = in;
        }

        private int read() throws IOException {
            if (peeked != -2) {
                int c = peeked;
                peeked = -2;
                return c;
            }
            int c = in.read();
            if (first) {
                first = false;
                if (c == '\uFEFF') {
                    c = in.read();
                }
            }
            return c;
        }

        /** Consumes a line break starting with {@code c} (CR, LF or CRLF). */
        private void lineBreak(int c) throws IOException {
            if (c == '\r') {
                int n = read();
                if (n != '\n') {
                    peeked = n;
                }
            }
            line++;
        }

        /** The next record's fields, or null at the end of the file; blank lines are skipped. */
        List<String> next() throws IOException {
            int c = read();
            while (c == '\n' || c == '\r') {
                lineBreak(c);
                c = read();
            }
            if (c == -1) {
                return null;
            }
            recordLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder f = new StringBuilder();
            while (true) {
                if (c == '"' && f.isEmpty()) {
                    // quoted field: up to the closing quote, "" is a literal quote
                    int quoteLine = line;
                    while (true) {
                        c = read();
                        if (c == -1) {
                            throw new InputException(file + " line " + quoteLine
                                    + ": malformed CSV: a quoted field is never closed");
                        }
                        if (c == '"') {
                            int n = read();
                            if (n == '"') {
                                f.append('"');
                                continue;
                            }
                            c = n;
                            break;
                        }
                        if (c == '\n' || c == '\r') {
                            lineBreak(c);
                            f.append('\n');
                            continue;
                        }
                        f.append((char) c);
                    }
                    if (c != ',' && c != '\n' && c != '\r' && c != -1) {
                        throw new InputException(file + " line " + line + ": malformed CSV: text after a closing quote");
                    }
                    fields.add(f.toString());
                    f.setLength(0);
                    // fall through with c = the separator
                    if (c == ',') {
                        c = read();
                        if (c == '\n' || c == '\r' || c == -1) {
                            fields.add("");
                            break;
                        }
                        continue;
                    }
                    break;
                }
                if (c == ',') {
                    fields.add(f.toString());
                    f.setLength(0);
                    c = read();
                    if (c == '\n' || c == '\r' || c == -1) {
                        fields.add("");
                        break;
                    }
                    continue;
                }
                if (c == '\n' || c == '\r' || c == -1) {
                    fields.add(f.toString());
                    break;
                }
                if (c == '"') {
                    throw new InputException(file + " line " + line
                            + ": malformed CSV: a quote inside an unquoted field (quote the whole field and double the quote)");
                }
                f.append((char) c);
                c = read();
            }
            if (c == '\n' || c == '\r') {
                lineBreak(c);
            }
            return fields;
        }
    }

    private static Map<String, Integer> header(Path file, int line, List<String> names, List<String> required,
                                               List<String> optional, Map<String, String> aliases) {
        Map<String, Integer> columns = new LinkedHashMap<>();
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
}
