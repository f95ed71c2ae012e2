package dev.siit.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of this process from /proc/self/status (Linux), in MiB; -1 elsewhere. */
public final class ResidentMemory {
    private ResidentMemory() {
    }

    /** Current resident set (VmRSS). */
    public static double currentMiB() {
        return read("VmRSS:");
    }

    /** Peak resident set since the process started (VmHWM). */
    public static double peakMiB() {
        return read("VmHWM:");
    }

    /**
     * Minor page faults of this process so far (/proc/self/stat field 10); -1 elsewhere. On a
     * virtual machine a fault can cost microseconds, so memory that is handed back to the kernel
     * and touched again shows up here before it shows up in a profile.
     */
    public static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
            return Long.parseLong(f[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double read(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] f = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(f[0]) / 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
