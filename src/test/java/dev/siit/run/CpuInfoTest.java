package dev.siit.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuInfoTest {

    @Test
    void readsTheFirstProcessorsBlockAndCountsProcessors() {
        List<String> lines = List.of(
                "processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 25", "model\t\t: 1",
                "model name\t: AMD EPYC", "flags\t\t: fpu sse2 avx avx2 fma", "",
                "processor\t: 1", "vendor_id\t: AuthenticAMD", "cpu family\t: 25", "model\t\t: 1",
                "model name\t: AMD EPYC", "flags\t\t: fpu sse2 avx avx2 fma avx512f", "");
        CpuInfo c = CpuInfo.parse(lines);
        assertEquals(new CpuInfo("AMD EPYC", "AuthenticAMD", "25", "1", 2, true, false), c);
        assertEquals("AMD EPYC (AuthenticAMD family 25 model 1), 2 logical CPUs, AVX2, no AVX-512", c.describe());
    }

    @Test
    void unknownFieldsStayUnknown() {
        assertEquals(new CpuInfo("?", "?", "?", "?", 0, false, false), CpuInfo.parse(List.of("garbage", "")));
    }
}
