package dev.siit.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeKernelsTest {
    @Test
    void turnedOffOrMissingIsNotLoadedAndSaysWhy(@TempDir Path dir) {
        assertEquals("turned off (siit.kernels=none)", NativeKernels.load("none"));
        Path absent = dir.resolve("absent.so");
        assertEquals(absent + " does not exist", NativeKernels.load(absent.toString()));
    }

    @Test
    void aFileThatIsNotALibraryFailsToLoad(@TempDir Path dir) throws Exception {
        // the case a property-based guess got wrong: the file exists, the load fails
        Path fake = Files.writeString(dir.resolve("libsiit-kernels.so"), "not an ELF file");
        String why = NativeKernels.load(fake.toString());
        assertNotNull(why);
        assertTrue(why.contains(fake.getFileName().toString()), why);
    }
}
