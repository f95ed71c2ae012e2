package dev.siit.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where an artifact came from: enough to rerun it and to tell two results apart.
 *
 * @param version         format version of this record ({@link #VERSION})
 * @param createdAt       UTC time of capture, ISO-8601
 * @param commandLine     how siit was invoked ({@code siit train --config ...}), or null outside the CLI
 * @param configHash      {@link RunDirectory#hash} of the resolved config, or null
 * @param dataFingerprint the dataset's fingerprint (input files + filter settings), or null
 * @param seed            the seed everything random was derived from, or null when nothing is random
 * @param gitCommit       commit of the siit checkout, or null when not in a git checkout
 * @param gitDirty        whether that checkout had uncommitted changes (null when unknown)
 * @param javaVersion     {@code java.version} and VM vendor
 * @param libraries       artifact -> version for the libraries that shape results
 * @param numerics        processor, threads, MKL shim and kernels: what else decides the result's
 *                        last bits (null in version 1 records)
 */
public record Provenance(int version, String createdAt, String commandLine, String configHash,
                         String dataFingerprint, Long seed, String gitCommit, Boolean gitDirty,
                         String javaVersion, Map<String, String> libraries, NumericEnvironment numerics) {
    /** 2: {@code numerics} added. */
    public static final int VERSION = 2;

    private static volatile String commandLineText;
    private static volatile GitState git;

    /** Called once by the CLI entry point with its arguments. */
    public static void recordCommandLine(String[] args) {
        StringBuilder b = new StringBuilder("siit");
        for (String a : args) {
            b.append(' ').append(a.isEmpty() || a.matches(".*[\\s'\"$`\\\\].*") ? "'" + a.replace("'", "'\\''") + "'" : a);
        }
        commandLineText = b.toString();
    }

    public static String currentCommandLine() {
        return commandLineText;
    }

    /** Captures the environment now. */
    public static Provenance capture(String configHash, String dataFingerprint, Long seed) {
        GitState g = gitState();
        return new Provenance(VERSION, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), commandLineText,
                configHash, dataFingerprint, seed, g.commit, g.dirty,
                System.getProperty("java.version") + " (" + System.getProperty("java.vm.vendor") + ")",
                libraryVersions(), NumericEnvironment.current());
    }

    /** The siit checkout's commit, or "unknown" outside a git checkout. */
    public static String gitCommitOrUnknown() {
        String c = gitState().commit;
        return c == null ? "unknown" : c;
    }

    /**
     * The siit checkout: system property {@code siit.home} (set by {@code bin/siit}) or the
     * working directory.
     */
    static Path home() {
        String h = System.getProperty("siit.home");
        return Path.of(h != null ? h : ".").toAbsolutePath().normalize();
    }

    private record GitState(String commit, Boolean dirty) {
    }

    private static GitState gitState() {
        GitState g = git;
        if (g == null) {
            String commit = runGit("rev-parse", "HEAD");
            String status = commit == null ? null : runGit("status", "--porcelain", "--untracked-files=no");
            g = new GitState(commit, status == null ? null : !status.isEmpty());
            git = g;
        }
        return g;
    }

    /** Output of a git command in {@link #home()}, stripped, or null when git fails or is missing. */
    private static String runGit(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", home().toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Versions read from the jar each library's classes were loaded from (its file name ends in
     * {@code -VERSION.jar}); the PyTorch version is the first part of the pytorch-jni version.
     */
    public static Map<String, String> libraryVersions() {
        String[][] markers = {
                {"ai.djl:api", "api", "ai.djl.engine.Engine"},
                {"ai.djl.pytorch:pytorch-engine", "pytorch-engine", "ai.djl.pytorch.engine.PtEngine"},
                {"ai.djl.huggingface:tokenizers", "tokenizers", "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer"},
                {"com.fasterxml.jackson.core:jackson-databind", "jackson-databind", "com.fasterxml.jackson.databind.ObjectMapper"},
                {"info.picocli:picocli", "picocli", "picocli.CommandLine"},
                {"org.apache.commons:commons-math3", "commons-math3", "org.apache.commons.math3.distribution.TDistribution"},
        };
        Map<String, String> out = new LinkedHashMap<>();
        for (String[] m : markers) {
            String v = jarVersion(m[1], m[2]);
            if (v != null) {
                out.put(m[0], v);
            }
        }
        String jni = jniVersion();
        if (jni != null) {
            out.put("ai.djl.pytorch:pytorch-jni", jni);
        }
        if (jni != null && jni.contains("-")) {
            out.put("pytorch", jni.substring(0, jni.indexOf('-')));
        }
        return out;
    }

    /** {@code jni_version} from the pytorch-jni jar's {@code jnilib/pytorch.properties}, e.g. 2.7.1-0.36.0. */
    private static String jniVersion() {
        try (var in = Provenance.class.getClassLoader().getResourceAsStream("jnilib/pytorch.properties")) {
            if (in == null) {
                return null;
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("jni_version");
        } catch (IOException e) {
            return null;
        }
    }

    private static String jarVersion(String artifact, String className) {
        try {
            Class<?> c = Class.forName(className, false, Provenance.class.getClassLoader());
            var src = c.getProtectionDomain().getCodeSource();
            if (src == null) {
                return null;
            }
            String name = Path.of(src.getLocation().toURI()).getFileName().toString();
            String prefix = artifact + "-";
            if (name.startsWith(prefix) && name.endsWith(".jar")) {
                return name.substring(prefix.length(), name.length() - 4);
            }
            return name;
        } catch (ReflectiveOperationException | LinkageError | java.net.URISyntaxException
                 | RuntimeException e) {
            return null;
        }
    }
}
