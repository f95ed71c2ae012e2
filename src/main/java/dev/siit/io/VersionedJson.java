package dev.siit.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ToIntFunction;

/**
 * Reading a JSON artifact that carries a format version: a missing file, malformed JSON (with
 * its line) and an unknown version each become one {@link InputException} naming the file.
 */
public final class VersionedJson {
    private VersionedJson() {
    }

    /**
     * @param what     the kind of file in messages, e.g. {@code metrics}
     * @param version  the version field of a read value
     * @param expected the one version this build reads
     */
    public static <T> T read(ObjectMapper json, Path file, Class<T> type, String what, ToIntFunction<T> version,
                             int expected) {
        if (!Files.isRegularFile(file)) {
            throw new InputException("no such file: " + file);
        }
        T r;
        try {
            r = json.readValue(file.toFile(), type);
        } catch (JsonProcessingException e) {
            throw new InputException(file + " line " + (e.getLocation() == null ? 0 : e.getLocation().getLineNr())
                    + ": malformed " + what + " JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        int v = version.applyAsInt(r);
        if (v != expected) {
            throw new InputException(file + ": " + what + " version " + v + " is not supported (expected " + expected + ")");
        }
        return r;
    }
}
