package dev.siit.run;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project's JNI library ({@code src/main/native}, built by Maven into
 * {@code target/native/libsiit-kernels.so}), loaded once per process. Its native methods live in
 * the classes that use them ({@code model.ColumnLogSoftmax}); they only run when {@link #loaded()}.
 * Loading lives here, beside the rest of the process's numeric environment, so that provenance
 * records whether the kernels really loaded, not whether they were asked for.
 *
 * <p>The library is the file named by the system property {@code siit.kernels} ({@code bin/siit}
 * and the tests set it; {@code none} turns the kernels off), else {@code siit-kernels} on
 * {@code java.library.path}.
 */
public final class NativeKernels {
    private static final Logger LOG = LoggerFactory.getLogger(NativeKernels.class);
    static final String PROPERTY = "siit.kernels";
    private static final String LOAD_ERROR = load(System.getProperty(PROPERTY));

    private NativeKernels() {
    }

    /** Whether the library is loaded in this process. */
    public static boolean loaded() {
        return LOAD_ERROR == null;
    }

    /** Why the library is not loaded, or null when it is. */
    public static String loadError() {
        return LOAD_ERROR;
    }

    /** Loads {@code file} (null or blank: from java.library.path); returns why not, or null. */
    static String load(String file) {
        if ("none".equals(file)) {
            return "turned off (" + PROPERTY + "=none)";
        }
        try {
            if (file != null && !file.isBlank()) {
                if (!Files.isRegularFile(Path.of(file))) {
                    return file + " does not exist";
                }
                System.load(Path.of(file).toAbsolutePath().toString());
            } else {
                System.loadLibrary("siit-kernels");
            }
            return null;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            String why = e.getMessage();
            LOG.debug("JNI kernels not loaded ({}); decoding normalises with libtorch's log_softmax", why);
            return why;
        }
    }
}
