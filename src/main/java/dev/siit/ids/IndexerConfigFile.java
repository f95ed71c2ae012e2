package dev.siit.ids;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an indexer configuration record from JSON or YAML: the file's fields override the
 * record's defaults, unknown fields are refused, and the record's constructor validates.
 */
public final class IndexerConfigFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private IndexerConfigFile() {
    }

    /** {@code defaults} overridden by the fields of {@code file} (may be null: defaults only). */
    @SuppressWarnings("unchecked")
    public static <T> T load(Path file, T defaults, Class<T> type) {
        if (file == null) {
            return defaults;
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        ObjectMapper m = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
        Map<String, Object> merged = new LinkedHashMap<>(JSON.convertValue(defaults, Map.class));
        try {
            Map<String, Object> given = m.readValue(file.toFile(), Map.class);
            if (given != null) {
                for (String k : given.keySet()) {
                    if (!merged.containsKey(k)) {
                        throw new InputException(file + ": unknown field \"" + k + "\" for a " + type.getSimpleName()
                                + "; known fields: " + merged.keySet());
                    }
                }
                merged.putAll(given);
            }
            return JSON.convertValue(merged, type);
        } catch (IllegalArgumentException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            String msg = c instanceof JsonMappingException jm ? jm.getOriginalMessage() : c.getMessage();
            throw new InputException(file + ": invalid " + type.getSimpleName() + " (" + firstLine(msg) + ")", e);
        } catch (NoSuchFileException e) {
            throw new InputException("no such config file: " + file, e);
        } catch (UnrecognizedPropertyException e) {
            throw new InputException(file + ": unknown field \"" + e.getPropertyName() + "\"", e);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read config (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    /** The record as a plain map, for provenance. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(Object config) {
        return JSON.convertValue(config, Map.class);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
