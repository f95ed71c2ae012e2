package dev.siit.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.siit.io.InputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a source into an {@link InteractionDataset}: parse, order chronologically, k-core
 * filter, re-index densely (users and items in order of first appearance in the filtered,
 * chronological sequences), fingerprint.
 */
public final class DatasetLoader {
    public static final int DEFAULT_KCORE = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetLoader() {
    }

    /** Loads {@code source}; {@code format} may be null to detect it from the files. */
    public static InteractionDataset load(Path source, DatasetFormat format, int kcore) {
        if (kcore < 0) {
            throw new InputException("k-core must be >= 0 (0 or 1 = no filtering), got " + kcore);
        }
        if (!Files.exists(source)) {
            throw new InputException("no such file or folder: " + source);
        }
        DatasetFormat f = format == null ? DatasetFormat.detect(source) : format;
        List<Path> inputs = new ArrayList<>();
        RawInteractions raw = switch (f) {
            case MOVIELENS -> readMovieLens(source, inputs);
            case LETTER -> readLetter(source, inputs);
            case CSV -> CsvSource.read(source, inputs);
        };
        if (raw.size() == 0) {
            throw new InputException("no interactions in " + source);
        }
        LinkedHashMap<String, List<String>> seqs = KCoreFilter.apply(raw.chronological(), kcore);
        if (seqs.isEmpty()) {
            throw new InputException("dataset " + source + " is empty after " + kcore + "-core filtering");
        }
        // a LETTER folder is named after its NAME.inter.json (inputs[0]), the rest after the source
        Path named = f == DatasetFormat.LETTER ? inputs.get(0) : source;
        return reindex(datasetName(named, f), seqs, raw.texts(), fingerprint(inputs, f, kcore));
    }

    static InteractionDataset reindex(String name, LinkedHashMap<String, List<String>> seqs,
                                      Map<String, ItemText> texts, String fingerprint) {
        Map<String, Integer> itemIndex = new HashMap<>();
        List<String> itemIds = new ArrayList<>();
        List<String> userIds = new ArrayList<>(seqs.keySet());
        int[][] sequences = new int[userIds.size()][];
        int u = 0;
        for (List<String> s : seqs.values()) {
            int[] dense = new int[s.size()];
            for (int t = 0; t < s.size(); t++) {
                Integer idx = itemIndex.get(s.get(t));
                if (idx == null) {
                    idx = itemIds.size();
                    itemIndex.put(s.get(t), idx);
                    itemIds.add(s.get(t));
                }
                dense[t] = idx;
            }
            sequences[u++] = dense;
        }
        List<ItemText> itemTexts = new ArrayList<>(itemIds.size());
        for (String id : itemIds) {
            itemTexts.add(texts.get(id));
        }
        return new InteractionDataset(name, List.copyOf(userIds), List.copyOf(itemIds), sequences,
                java.util.Collections.unmodifiableList(itemTexts), fingerprint);
    }

    private static String datasetName(Path source, DatasetFormat f) {
        Path abs = source.toAbsolutePath().normalize();
        String n = abs.getFileName() == null ? "dataset" : abs.getFileName().toString();
        if (f == DatasetFormat.LETTER && n.endsWith(".inter.json")) {
            return n.substring(0, n.length() - ".inter.json".length());
        }
        return n.endsWith(".csv") ? n.substring(0, n.length() - 4) : n;
    }

    // ---- MovieLens-100K ----

    private static RawInteractions readMovieLens(Path dir, List<Path> inputs) {
        Path data = requireFile(dir.resolve("u.data"));
        Path item = requireFile(dir.resolve("u.item"));
        inputs.add(data);
        inputs.add(item);
        RawInteractions raw = new RawInteractions();
        try (BufferedReader r = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length < 4) {
                    throw new InputException(data + " line " + no + ": expected 4 tab-separated fields "
                            + "(user, item, rating, timestamp), found " + f.length);
                }
                raw.add(f[0].strip(), f[1].strip(), parseLong(f[3], data, no, "timestamp"));
            }
        } catch (IOException e) {
            throw new InputException("cannot read " + data + ": " + e.getMessage(), e);
        }
        Path genreFile = dir.resolve("u.genre");
        if (Files.isRegularFile(genreFile)) {
            inputs.add(genreFile);
        }
        String[] genres = readGenres(genreFile);
        try (BufferedReader r = Files.newBufferedReader(item, StandardCharsets.ISO_8859_1)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\\|", -1);
                if (f.length < 5) {
                    throw new InputException(item + " line " + no + ": expected |-separated fields "
                            + "(id|title|date|...|genre flags), found " + f.length);
                }
                List<String> g = new ArrayList<>();
                for (int k = 5; k < f.length && k - 5 < genres.length; k++) {
                    if ("1".equals(f[k].strip())) {
                        g.add(genres[k - 5]);
                    }
                }
                raw.putText(f[0].strip(), new ItemText(f[1], g.isEmpty() ? "" : "Genres: " + String.join(", ", g)));
            }
        } catch (IOException e) {
            throw new InputException("cannot read " + item + ": " + e.getMessage(), e);
        }
        return raw;
    }

    private static final String[] ML_GENRES = {"unknown", "Action", "Adventure", "Animation", "Children's",
            "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
            "Romance", "Sci-Fi", "Thriller", "War", "Western"};

    private static String[] readGenres(Path genreFile) {
        if (!Files.isRegularFile(genreFile)) {
            return ML_GENRES;
        }
        try {
            List<String> names = new ArrayList<>();
            for (String line : Files.readAllLines(genreFile, StandardCharsets.ISO_8859_1)) {
                if (!line.isBlank()) {
                    names.add(line.split("\\|")[0]);
                }
            }
            return names.toArray(String[]::new);
        } catch (IOException e) {
            throw new InputException("cannot read " + genreFile + ": " + e.getMessage(), e);
        }
    }

    // ---- LETTER / LC-Rec JSON ----

    private static RawInteractions readLetter(Path source, List<Path> inputs) {
        Path inter;
        if (Files.isRegularFile(source)) {
            inter = source;
        } else {
            try (var files = Files.list(source)) {
                List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(".inter.json")).sorted().toList();
                if (found.size() != 1) {
                    throw new InputException(source + " must hold exactly one NAME.inter.json, found " + found.size());
                }
                inter = found.get(0);
            } catch (IOException e) {
                throw new InputException("cannot list " + source + ": " + e.getMessage(), e);
            }
        }
        inputs.add(inter);
        String fileName = inter.getFileName().toString();
        String base = fileName.substring(0, fileName.length() - ".inter.json".length());
        RawInteractions raw = new RawInteractions();
        // LETTER sequences are already chronological: timestamp = position keeps them as they are
        try (InputStream in = Files.newInputStream(inter); JsonParser p = JSON.getFactory().createParser(in)) {
            // a user listed twice would silently merge two sequences
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InputException(inter + " line " + p.currentLocation().getLineNr()
                        + ": expected a JSON object {\"user\": [items]}");
            }
            long pos = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String user = p.currentName();
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw new InputException(inter + " line " + p.currentLocation().getLineNr()
                            + ": user " + user + " must map to a list of items");
                }
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_STRING) {
                        throw new InputException(inter + " line " + p.currentLocation().getLineNr()
                                + ": items of user " + user + " must be ids (numbers or strings)");
                    }
                    raw.add(user, p.getText(), pos++);
                }
            }
        } catch (JsonProcessingException e) {
            throw new InputException(inter + " line " + lineOf(e) + ": malformed JSON ("
                    + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new InputException("cannot read " + inter + ": " + e.getMessage(), e);
        }
        Path itemFile = inter.resolveSibling(base + ".item.json");
        if (Files.isRegularFile(itemFile)) {
            inputs.add(itemFile);
            JsonNode root = readJson(itemFile);
            if (!root.isObject()) {
                throw new InputException(itemFile + ": expected a JSON object {\"item\": {\"title\": ...}}");
            }
            root.fields().forEachRemaining(e -> {
                if (!e.getValue().isObject()) {
                    throw new InputException(itemFile + ": item " + e.getKey()
                            + " must map to an object {\"title\": ..., \"description\": ...}");
                }
                raw.putText(e.getKey(), new ItemText(e.getValue().path("title").asText(""),
                        e.getValue().path("description").asText("")));
            });
        }
        return raw;
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(requireFile(file).toFile());
        } catch (JsonProcessingException e) {
            throw new InputException(file + " line " + lineOf(e) + ": malformed JSON ("
                    + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    // ---- shared ----

    private static int lineOf(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    static Path requireFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new InputException("no such file: " + p);
        }
        return p;
    }

    static long parseLong(String s, Path file, int line, String field) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new InputException(file + " line " + line + ": " + field + " '" + s.strip() + "' is not a whole number");
        }
    }

    /** SHA-256 over the input files' bytes, their names, the format and the filter settings. */
    static String fingerprint(List<Path> inputs, DatasetFormat format, int kcore) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("format=" + format + ";kcore=" + kcore + ";").getBytes(StandardCharsets.UTF_8));
            for (Path p : inputs) {
                md.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot fingerprint " + inputs, e);
        }
    }
}
