package dev.siit.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The processor a measurement ran on, from /proc/cpuinfo (Linux): speeds and the rounding of the
 * engine's products depend on it (the fifth session's machine, AVX2 only, ran every benchmark
 * shape at half the speed of the earlier AVX-512 machine and built other RQ-VAE identifiers from
 * the same data), so a benchmark line without it cannot be compared with another.
 */
public record CpuInfo(String modelName, String vendor, String family, String model, int logicalCpus,
                      boolean avx2, boolean avx512f) {

    /** This machine's processor; fields unknown elsewhere are "?" and false. */
    public static CpuInfo current() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return new CpuInfo("?", "?", "?", "?", Runtime.getRuntime().availableProcessors(), false, false);
        }
    }

    /** From the lines of /proc/cpuinfo; the first processor's block describes them all. */
    static CpuInfo parse(List<String> lines) {
        String name = "?";
        String vendor = "?";
        String family = "?";
        String model = "?";
        Set<String> flags = Set.of();
        int cpus = 0;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            if (key.equals("processor")) {
                cpus++;
                continue;
            }
            if (cpus > 1) {
                continue; // later blocks only count
            }
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "model name" -> name = value;
                case "vendor_id" -> vendor = value;
                case "cpu family" -> family = value;
                case "model" -> model = value;
                case "flags" -> flags = Set.of(value.split("\\s+"));
                default -> { }
            }
        }
        return new CpuInfo(name, vendor, family, model, cpus, flags.contains("avx2"), flags.contains("avx512f"));
    }

    /** One line: {@code AMD EPYC (AuthenticAMD family 25 model 1), 2 logical CPUs, AVX2, no AVX-512}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s (%s family %s model %s), %d logical CPUs, %s, %s", modelName, vendor,
                family, model, logicalCpus, avx2 ? "AVX2" : "no AVX2", avx512f ? "AVX-512" : "no AVX-512");
    }
}
