package dev.siit.ids;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.siit.data.InteractionDataset;
import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The LETTER / LC-Rec identifier file {@code NAME.index.json}:
 * {@code {"<original item id>": ["<a_128>", "<b_241>", "<c_146>", "<d_235>"], ...}}.
 *
 * <p>Keys are the dataset's ORIGINAL item ids ({@link InteractionDataset#itemIds()}); the
 * result is in dense item order. Code tokens must look like {@code <a_12>} (one lower-case
 * letter for the level, an underscore, a non-negative number). Title identifiers (TID) are read
 * with {@link TokenKind#TITLE}: the first element of every list is the item's title, any further
 * elements are code tokens (a collision-breaking suffix).
 *
 * <p>The file is written one item per line in dense item order, so error messages that name a
 * line point at one item.
 */
public final class IndexFile {

    /** {@code <a_12>}: level letter, underscore, code. */
    public static final Pattern CODE_TOKEN = Pattern.compile("<[a-z]_\\d+>");

    /** What the first element of an identifier is. */
    public enum TokenKind {
        /** every element is a code token {@code <x_n>} */
        CODES,
        /** the first element is free text (an item title), the rest are code tokens */
        TITLE
    }

    private IndexFile() {
    }

    /** Reads a code-token index file for {@code data}. */
    public static ItemIdentifiers read(Path file, InteractionDataset data) {
        return read(file, data, TokenKind.CODES);
    }

    /**
     * Reads {@code file} and maps it onto the dense items of {@code data}.
     *
     * @throws InputException when the file is missing or malformed, names an item the dataset
     *                        does not have, lacks an item the dataset has, or holds a malformed token
     */
    public static ItemIdentifiers read(Path file, InteractionDataset data, TokenKind kind) {
        return read(file, data.name(), data.itemIds(), kind);
    }

    /** Reads {@code file} for the items {@code itemIds} (dense order) of dataset {@code datasetName}. */
    public static ItemIdentifiers read(Path file, String datasetName, List<String> itemIds, TokenKind kind) {
        int numItems = itemIds.size();
        Map<String, Integer> dense = new HashMap<>(numItems * 2);
        for (int i = 0; i < numItems; i++) {
            dense.put(itemIds.get(i), i);
        }
        List<List<String>> tokens = new ArrayList<>(numItems);
        for (int i = 0; i < numItems; i++) {
            tokens.add(null);
        }
        JsonFactory factory = new JsonFactory();
        try (InputStream in = Files.newInputStream(file); JsonParser p = factory.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InputException(file + " line " + line(p) + ": expected a JSON object "
                        + "{\"item id\": [\"<a_1>\", ...]} at the top level");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String id = p.currentName();
                int idLine = line(p);
                Integer item = dense.get(id);
                if (item == null) {
                    throw new InputException(file + " line " + idLine + ": item id \"" + id
                            + "\" is not an item of dataset " + datasetName + " (" + numItems + " items)");
                }
                if (tokens.get(item) != null) {
                    throw new InputException(file + " line " + idLine + ": item id \"" + id + "\" appears twice");
                }
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw new InputException(file + " line " + line(p) + ": identifier of item \"" + id
                            + "\" must be an array of tokens");
                }
                List<String> ident = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw new InputException(file + " line " + line(p) + ": identifier of item \"" + id
                                + "\" holds " + p.getText() + ", expected a token string");
                    }
                    String tok = p.getText();
                    boolean titleSlot = kind == TokenKind.TITLE && ident.isEmpty();
                    if (titleSlot ? tok.isBlank() : !CODE_TOKEN.matcher(tok).matches()) {
                        throw new InputException(file + " line " + line(p) + ": token \"" + tok + "\" of item \""
                                + id + "\" is " + (titleSlot ? "an empty title" : "not of the form <a_12>"));
                    }
                    ident.add(tok);
                }
                if (ident.isEmpty()) {
                    throw new InputException(file + " line " + line(p) + ": item \"" + id + "\" has an empty identifier");
                }
                tokens.set(item, ident);
            }
            if (t != JsonToken.END_OBJECT) {
                throw new InputException(file + " line " + line(p) + ": expected an item id or the end of the object");
            }
            if (p.nextToken() != null) {
                throw new InputException(file + " line " + line(p) + ": unexpected content after the top-level object");
            }
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new InputException(file + " line " + (loc == null ? "?" : loc.getLineNr()) + ": malformed JSON ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ")", e);
        } catch (NoSuchFileException e) {
            throw new InputException("no such index file: " + file, e);
        } catch (IOException e) {
            throw new InputException("cannot read index file " + file + ": " + e.getMessage(), e);
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i) == null) {
                missing.add(itemIds.get(i));
            }
        }
        if (!missing.isEmpty()) {
            throw new InputException(file + ": " + missing.size() + " of " + numItems + " items of dataset "
                    + datasetName + " have no identifier, e.g. item ids " + missing.subList(0, Math.min(5, missing.size())));
        }
        return new ItemIdentifiers(tokens);
    }

    /** Writes {@code ids} for {@code data} atomically, one item per line in dense item order. */
    public static void write(Path file, InteractionDataset data, ItemIdentifiers ids) {
        if (ids.numItems() != data.numItems()) {
            throw new IllegalArgumentException(ids.numItems() + " identifiers for " + data.numItems() + " items");
        }
        AtomicFiles.writeString(file, toJson(data.itemIds(), ids));
    }

    /** The file content; identifiers in the order of {@code itemIds}. */
    static String toJson(List<String> itemIds, ItemIdentifiers ids) {
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        StringBuilder sb = new StringBuilder(ids.numItems() * 48);
        sb.append("{\n");
        for (int i = 0; i < ids.numItems(); i++) {
            sb.append("  \"").append(enc.quoteAsString(itemIds.get(i))).append("\": [");
            List<String> t = ids.of(i);
            for (int k = 0; k < t.size(); k++) {
                if (k > 0) {
                    sb.append(", ");
                }
                sb.append('"').append(enc.quoteAsString(t.get(k))).append('"');
            }
            sb.append(i + 1 < ids.numItems() ? "],\n" : "]\n");
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static int line(JsonParser p) {
        return p.currentLocation().getLineNr();
    }

    /** Decodes the code of a token {@code <a_12>} (12). */
    public static int code(String token) {
        return Integer.parseInt(token.substring(3, token.length() - 1));
    }

    /** The token of {@code code} at 0-based {@code level}: level 0 is {@code a}. */
    public static String token(int level, int code) {
        if (level < 0 || level >= 26) {
            throw new IllegalArgumentException("level " + level + " has no letter (a..z)");
        }
        return "<" + (char) ('a' + level) + "_" + code + ">";
    }
}
