package dev.siit.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's folder, {@code runs/NAME/} under the working directory by default:
 *
 * <pre>
 * runs/NAME/
 *   config.json       the resolved config ({@link #writeConfig})
 *   provenance.json   config hash, data fingerprint, seed, git commit, versions, command line
 *   logs/run.log      timestamped lines ({@link #log})
 *   steps/STEP.json   one record per finished step ({@link #markDone})
 *   ...               artifacts, each written to a temporary file and renamed into place
 *   metrics.json      the evaluation result
 * </pre>
 *
 * <p>Resuming: a step is done when {@code steps/STEP.json} exists, was made with the same key
 * (a {@link #hash} of the step's config and the data fingerprint) and all the artifacts it lists
 * still exist; then a rerun reuses them instead of recomputing:
 *
 * <pre>{@code
 * RunDirectory run = RunDirectory.open(Path.of("runs"), "ml100k-tiger");
 * String key = RunDirectory.hash(config.tokenizer(), data.fingerprint(), seed);
 * run.step("tokenizer", key, List.of("ids/rqvae.index.json"), () -> {
 *     ... run.writeJson("ids/rqvae.index.json", index) ...
 * });
 * }</pre>
 *
 * <p>Not a lock: two processes writing the same run folder at once is not supported.
 */
public final class RunDirectory {
    /** Default parent of run folders, relative to the working directory. */
    public static final Path DEFAULT_ROOT = Path.of("runs");
    /** Version of the {@code steps/STEP.json} records. */
    public static final int STEP_FORMAT_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    // canonical form for hashing: sorted keys, no whitespace
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private final String name;
    private final Path dir;

    private RunDirectory(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /**
     * Opens {@code root/name}; the name must be a plain folder name. The folder is created by the
     * first write, so a command that fails on bad input before writing leaves nothing behind.
     */
    public static RunDirectory open(Path root, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InputException("run name '" + name + "' must be letters, digits, '.', '_' or '-' "
                    + "(no slashes), starting with a letter or digit");
        }
        Path dir = root.resolve(name).toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InputException("run folder " + dir + " exists and is not a folder");
        }
        return new RunDirectory(name, dir);
    }

    /** Opens {@code runs/NAME} under the working directory. */
    public static RunDirectory open(String name) {
        return open(DEFAULT_ROOT, name);
    }

    public String name() {
        return name;
    }

    public Path path() {
        return dir;
    }

    /** The file {@code relPath} inside the run folder; paths leaving the folder are rejected. */
    public Path resolve(String relPath) {
        Path p = dir.resolve(relPath).normalize();
        if (Path.of(relPath).isAbsolute() || !p.startsWith(dir) || p.equals(dir)) {
            throw new IllegalArgumentException("'" + relPath + "' is not a file path inside run folder " + dir);
        }
        return p;
    }

    public boolean exists(String relPath) {
        return Files.exists(resolve(relPath));
    }

    // ---- artifacts ----

    /** Writes {@code value} as indented JSON, atomically (records, maps, lists, arrays, JsonNode). */
    public void writeJson(String relPath, Object value) {
        Path target = resolve(relPath);
        AtomicFiles.write(target, out -> JSON.writeValue(new NonClosing(out), value));
    }

    /** Reads a JSON artifact into {@code type}; a malformed file is an {@link InputException}. */
    public <T> T readJson(String relPath, Class<T> type) {
        Path file = resolve(relPath);
        try {
            return JSON.readValue(requireFile(file).toFile(), type);
        } catch (JsonProcessingException e) {
            throw new InputException(file + " line " + (e.getLocation() == null ? 0 : e.getLocation().getLineNr())
                    + ": malformed JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public JsonNode readJson(String relPath) {
        return readJson(relPath, JsonNode.class);
    }

    public void writeString(String relPath, String content) {
        AtomicFiles.writeString(resolve(relPath), content);
    }

    /** Writes any artifact atomically through a stream. */
    public void write(String relPath, AtomicFiles.IoWriter writer) {
        AtomicFiles.write(resolve(relPath), writer);
    }

    // ---- config and provenance ----

    /** Writes {@code config.json} and returns the config's {@link #hash}. */
    public String writeConfig(Object config) {
        writeJson("config.json", config);
        return hash(config);
    }

    /** Writes {@code provenance.json}. */
    public void writeProvenance(Provenance provenance) {
        writeJson("provenance.json", provenance);
    }

    /**
     * SHA-256 of the canonical JSON of {@code parts} (map keys and record fields sorted), e.g.
     * {@code hash(config, data.fingerprint(), seed)}: equal inputs give equal hashes across runs.
     */
    public static String hash(Object... parts) {
        try {
            byte[] bytes = CANONICAL.writeValueAsBytes(parts);
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("cannot hash " + parts.length + " config parts: " + e.getMessage(), e);
        }
    }

    // ---- steps ----

    /**
     * The record of a finished step.
     *
     * @param version   {@link #STEP_FORMAT_VERSION}
     * @param step      step name
     * @param key       hash of what the step was made from (config + data fingerprint + seed)
     * @param artifacts relative paths the step produced
     * @param finishedAt UTC time, ISO-8601
     */
    public record StepRecord(int version, String step, String key, List<String> artifacts, String finishedAt) {
    }

    /** Whether {@code step} finished with the same {@code key} and its artifacts are all there. */
    public boolean stepDone(String step, String key) {
        String rel = stepFile(step);
        if (!exists(rel)) {
            return false;
        }
        StepRecord r = readJson(rel, StepRecord.class);
        if (r.version() != STEP_FORMAT_VERSION) {
            throw new InputException(resolve(rel) + ": step record version " + r.version()
                    + " is not supported (this siit reads version " + STEP_FORMAT_VERSION + ")");
        }
        if (!key.equals(r.key())) {
            return false;
        }
        for (String a : r.artifacts()) {
            if (!exists(a)) {
                return false;
            }
        }
        return true;
    }

    /** Records that {@code step} finished with {@code key}, producing {@code artifacts}. */
    public void markDone(String step, String key, List<String> artifacts) {
        for (String a : artifacts) {
            if (!exists(a)) {
                throw new IllegalStateException("step " + step + " lists artifact " + a + " that was not written");
            }
        }
        writeJson(stepFile(step), new StepRecord(STEP_FORMAT_VERSION, step, key, List.copyOf(artifacts),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
    }

    /**
     * Runs {@code body} unless the step is already done with this key; then marks it done.
     * Returns true when the body ran, false when the artifacts were reused.
     */
    public boolean step(String step, String key, List<String> artifacts, Runnable body) {
        if (stepDone(step, key)) {
            log("step " + step + ": reusing " + String.join(", ", artifacts));
            return false;
        }
        // an outdated record must not survive a crash in the middle of the new run
        try {
            Files.deleteIfExists(resolve(stepFile(step)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log("step " + step + ": running");
        body.run();
        markDone(step, key, artifacts);
        log("step " + step + ": done");
        return true;
    }

    private String stepFile(String step) {
        if (!NAME.matcher(step).matches()) {
            throw new IllegalArgumentException("step name '" + step + "' must be a plain name");
        }
        return "steps/" + step + ".json";
    }

    // ---- log ----

    /** The run's log file, {@code logs/run.log}. */
    public Path logFile() {
        return resolve("logs/run.log");
    }

    /** Appends a timestamped line to the run log (append-only, not an artifact) and logs it via slf4j. */
    public void log(String message) {
        LOG.info("[{}] {}", name, message);
        Path f = logFile();
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + message + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + f + ": " + e.getMessage(), e);
        }
    }

    private static Path requireFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new InputException("no such file: " + p);
        }
        return p;
    }

    /** Jackson closes the stream it writes to; AtomicFiles owns and closes it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
