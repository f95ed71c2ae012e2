package dev.siit.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NumericEnvironmentTest {
    private static final CpuInfo CPU = new CpuInfo("AMD EPYC", "AuthenticAMD", "25", "1", 2, true, false);

    @Test
    void launcherSettingsAreRead() {
        NumericEnvironment e = NumericEnvironment.of(CPU, "2", "2",
                "/proj/target/native/libmkl-intel-cpu.so:/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4", true);
        assertEquals(new NumericEnvironment("AMD EPYC (AuthenticAMD family 25 model 1), 2 logical CPUs, AVX2, no AVX-512",
                "2", "2", true, "jni", "tcmalloc"), e);
        assertEquals(List.of("numerics.cpu", "numerics.threads", "numerics.decode_streams", "numerics.mkl_shim",
                "numerics.kernels", "numerics.allocator"), List.copyOf(e.asEntries().keySet()));
        assertEquals("true", e.asEntries().get("numerics.mkl_shim"));
        assertEquals("jni", e.asEntries().get("numerics.kernels"));
    }

    @Test
    void unsetMeansLibtorchDefaults() {
        NumericEnvironment none = NumericEnvironment.of(CPU, null, null, null, false);
        assertEquals("default", none.intraOpThreads());
        assertEquals("1", none.decodeStreams());
        assertEquals(false, none.mklShim());
        assertEquals("libtorch", none.kernels());
        assertEquals("glibc", none.allocator());
        assertEquals("default", NumericEnvironment.of(CPU, " ", " ", "", false).intraOpThreads());
    }

    @Test
    void thisProcessRecordsWhetherTheKernelsReallyLoaded() {
        // the build sets siit.kernels to the library Maven compiled, so it must have loaded
        assertEquals(null, NativeKernels.loadError());
        assertEquals("jni", NumericEnvironment.current().kernels());
    }
}
