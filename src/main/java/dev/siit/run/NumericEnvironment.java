package dev.siit.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What, besides code, data, config and seed, decides the floating-point bits of a result: the
 * processor, PyTorch's intra-op thread count (the split of every parallel reduction), whether
 * MKL's products run through the vendor shim ({@code src/main/native/mkl-intel-cpu.c}, other
 * kernels on AMD) and whether decoding's normaliser is the JNI kernel or libtorch's ops. Training
 * the same run twice with the same four is bit for bit identical; changing threads or the shim
 * changes losses in the 7th digit, which a long run amplifies into other metrics
 * (docs/benchmarks.md, seventh session). The allocator is recorded for speed only.
 *
 * @param cpu            {@link CpuInfo#describe()}
 * @param intraOpThreads {@code ai.djl.pytorch.num_threads} as set by {@code bin/siit}, or "default"
 * @param decodeStreams  {@code siit.decode.streams}: batches beam search decodes at once, each on
 *                       intraOpThreads / decodeStreams threads (so this too decides decoding's bits)
 * @param mklShim        whether the MKL vendor shim is preloaded
 * @param kernels        "jni" when {@link NativeKernels} loaded the library, else "libtorch" (the
 *                       kernel's row pass follows from the cpu's AVX2 / AVX-512 flags)
 * @param allocator      "tcmalloc" when preloaded, else "glibc"
 */
public record NumericEnvironment(String cpu, String intraOpThreads, String decodeStreams, boolean mklShim,
                                 String kernels, String allocator) {

    /** This process's environment. */
    public static NumericEnvironment current() {
        return of(CpuInfo.current(), System.getProperty("ai.djl.pytorch.num_threads"),
                System.getProperty("siit.decode.streams"), System.getenv("LD_PRELOAD"), NativeKernels.loaded());
    }

    /** From the raw settings; nulls mean unset. */
    static NumericEnvironment of(CpuInfo cpu, String threads, String streams, String preload, boolean jni) {
        String pre = preload == null ? "" : preload;
        return new NumericEnvironment(cpu.describe(), threads == null || threads.isBlank() ? "default" : threads.strip(),
                streams == null || streams.isBlank() ? "1" : streams.strip(), pre.contains("libmkl-intel-cpu"),
                jni ? "jni" : "libtorch", pre.contains("tcmalloc") ? "tcmalloc" : "glibc");
    }

    /** Flat entries for string-valued provenance maps ({@code numerics.threads}, ...). */
    public Map<String, String> asEntries() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("numerics.cpu", cpu);
        m.put("numerics.threads", intraOpThreads);
        m.put("numerics.decode_streams", decodeStreams);
        m.put("numerics.mkl_shim", Boolean.toString(mklShim));
        m.put("numerics.kernels", kernels);
        m.put("numerics.allocator", allocator);
        return m;
    }
}
