package dev.siit.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory of this JVM process: heap from {@link Runtime}, resident set (now and peak) from
 * {@code /proc/self/status} on Linux (-1 elsewhere). The peak resident set is what the soak test
 * watches: it includes native memory (libtorch, thread stacks) that the heap numbers miss.
 */
public record ProcessMemory(long heapUsedBytes, long heapCommittedBytes, long heapMaxBytes,
                            long rssBytes, long peakRssBytes) {

    public static ProcessMemory now() {
        Runtime rt = Runtime.getRuntime();
        long rss = -1;
        long peak = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kib(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: report -1
        }
        return new ProcessMemory(rt.totalMemory() - rt.freeMemory(), rt.totalMemory(), rt.maxMemory(), rss, peak);
    }

    private static long kib(String line) {
        // "VmRSS:	  123456 kB"
        String[] f = line.trim().split("\\s+");
        return Long.parseLong(f[1]) * 1024;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("heapUsedBytes", heapUsedBytes);
        m.put("heapCommittedBytes", heapCommittedBytes);
        m.put("heapMaxBytes", heapMaxBytes);
        m.put("rssBytes", rssBytes);
        m.put("peakRssBytes", peakRssBytes);
        return m;
    }
}
