package dev.siit.serve;

import java.io.IOException;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory of this JVM process: heap from {@link Runtime}, resident set (now and peak) from
 * {@code /proc/self/status} on Linux (-1 elsewhere). The peak resident set is what the soak test
 * watches: it includes native memory (libtorch, thread stacks) that the heap numbers miss.
 * {@code heapLiveAfterGcBytes} (heap occupancy right after the most recent collection, -1
 * before the first) approximates the live set: unlike {@code heapUsedBytes} it does not swing
 * with garbage waiting for the next collection, so a leak shows as a steady climb there.
 */
public record ProcessMemory(long heapUsedBytes, long heapLiveAfterGcBytes, long heapCommittedBytes, long heapMaxBytes,
                            long rssBytes, long peakRssBytes) {

    private static final java.util.Set<String> HEAP_POOLS = heapPools();

    private static java.util.Set<String> heapPools() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                names.add(pool.getName());
            }
        }
        return names;
    }

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
        // heap occupancy right after the most recent collection (young or full), all pools summed
        long live = -1;
        long lastEnd = Long.MIN_VALUE;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean g && g.getLastGcInfo() != null) {
                GcInfo info = g.getLastGcInfo();
                if (info.getEndTime() >= lastEnd) {
                    lastEnd = info.getEndTime();
                    live = 0;
                    for (Map.Entry<String, MemoryUsage> e : info.getMemoryUsageAfterGc().entrySet()) {
                        if (HEAP_POOLS.contains(e.getKey())) {
                            live += e.getValue().getUsed();
                        }
                    }
                }
            }
        }
        return new ProcessMemory(rt.totalMemory() - rt.freeMemory(), live, rt.totalMemory(), rt.maxMemory(), rss, peak);
    }

    private static long kib(String line) {
        // "VmRSS:	  123456 kB"
        String[] f = line.trim().split("\\s+");
        return Long.parseLong(f[1]) * 1024;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("heapUsedBytes", heapUsedBytes);
        m.put("heapLiveAfterGcBytes", heapLiveAfterGcBytes);
        m.put("heapCommittedBytes", heapCommittedBytes);
        m.put("heapMaxBytes", heapMaxBytes);
        m.put("rssBytes", rssBytes);
        m.put("peakRssBytes", peakRssBytes);
        return m;
    }
}
