package dev.siit.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumericEnvironmentTest {
    private static final CpuInfo CPU = new CpuInfo("AMD EPYC", "AuthenticAMD", "25", "1", 2, true, false);

    @Test
    void launcherSettingsAreRead(@TempDir Path dir) throws Exception {
        Path lib = Files.writeString(dir.resolve("libsiit-kernels.so"), "elf");
        NumericEnvironment e = NumericEnvironment.of(CPU, "2",
                "/proj/target/native/libmkl-intel-cpu.so:/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4",
                lib.toString());
        assertEquals(new NumericEnvironment("AMD EPYC (AuthenticAMD family 25 model 1), 2 logical CPUs, AVX2, no AVX-512",
                "2", true, "jni", "tcmalloc"), e);
        assertEquals(List.of("numerics.cpu", "numerics.threads", "numerics.mkl_shim", "numerics.kernels",
                "numerics.allocator"), List.copyOf(e.asEntries().keySet()));
        assertEquals(Map.entry("numerics.mkl_shim", "true"), e.asEntries().entrySet().stream()
                .filter(x -> x.getKey().endsWith("shim")).findFirst().orElseThrow());
    }

    @Test
    void unsetOrMissingMeansLibtorchDefaults(@TempDir Path dir) {
        NumericEnvironment none = NumericEnvironment.of(CPU, null, null, "none");
        assertEquals("default", none.intraOpThreads());
        assertEquals(false, none.mklShim());
        assertEquals("libtorch", none.kernels());
        assertEquals("glibc", none.allocator());
        // a kernels path that does not exist is not loaded: libtorch's ops decode
        NumericEnvironment missing = NumericEnvironment.of(CPU, " ", "", dir.resolve("absent.so").toString());
        assertEquals("default", missing.intraOpThreads());
        assertEquals("libtorch", missing.kernels());
        assertEquals("libtorch", NumericEnvironment.of(CPU, "1", null, null).kernels());
    }
}
