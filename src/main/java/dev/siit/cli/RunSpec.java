package dev.siit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run was made from ({@code runs/NAME/run.json}): enough to rebuild the dataset split,
 * identifiers, tokenizer and prompts for eval, recommend and resume, plus provenance.
 *
 * @param formatVersion   {@link #VERSION}
 * @param name            run name
 * @param data            dataset source (absolute path)
 * @param format          dataset format (movielens, letter, csv) as detected or given
 * @param ids             {@code sid}, {@code iid} or the absolute path of an .index.json
 * @param backbone        Hugging Face T5 folder trained from, or null (from scratch)
 * @param tokenizer       tokenizer.json folder or file used for the base vocabulary
 * @param dataFingerprint the dataset's fingerprint at training time
 * @param train           the training configuration (snake_case keys)
 * @param provenance      git commit, library versions, command line, start time
 */
public record RunSpec(int formatVersion, String name, String data, String format, String ids, String backbone,
                      String tokenizer, String dataFingerprint, JsonNode train, Map<String, String> provenance) {
    public static final int VERSION = 1;
    public static final String FILE = "run.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public void save(Path runDir) {
        try {
            AtomicFiles.writeString(runDir.resolve(FILE), JSON.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static RunSpec load(Path runDir) {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw new InputException("no run at " + runDir + " (missing " + FILE + "; train it with siit train --run)");
        }
        RunSpec s;
        try {
            s = JSON.readValue(f.toFile(), RunSpec.class);
        } catch (IOException e) {
            throw new InputException("cannot read " + f + ": " + e.getMessage());
        }
        if (s.formatVersion() != VERSION) {
            throw new InputException(f + " has format version " + s.formatVersion() + ", this build reads " + VERSION);
        }
        return s;
    }

    /** The folder of run {@code name} under {@code root} ({@code runs} in the working directory by default). */
    public static Path dir(Path root, String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new InputException("run name must be a plain folder name, got '" + name + "'");
        }
        return root.resolve(name);
    }
}
