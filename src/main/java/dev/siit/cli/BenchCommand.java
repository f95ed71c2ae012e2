package dev.siit.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.siit.io.InputException;
import dev.siit.model.ColumnLogSoftmax;
import dev.siit.model.ConstrainedBeamSearch;
import dev.siit.model.DecodingStreams;
import dev.siit.model.PrefixTrie;
import dev.siit.model.T5Config;
import dev.siit.model.T5Model;
import dev.siit.run.CpuInfo;
import dev.siit.train.ResidentMemory;
import dev.siit.train.Seq2SeqExample;
import dev.siit.train.TrainConfig;
import dev.siit.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siit bench}: training samples/s (AdamW steps on random batches of the given shapes),
 * constrained beam-search users/s (a trie of random identifiers) and peak resident memory, for
 * any T5 shape. Defaults are the LETTER-TIGER configuration, batch 256, encoder length 50,
 * decoder length 5, beam 20 over 1,682 four-token identifiers, 64 users per batch.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training samples/s, beam-search users/s and peak memory.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--mode", defaultValue = "all", description = "train, decode or all (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--batch-size", defaultValue = "256", description = "Training batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--enc-len", defaultValue = "50", description = "Encoder (prompt) length (default: ${DEFAULT-VALUE}).")
    int encLen;

    @Option(names = "--dec-len", defaultValue = "5", description = "Decoder length incl. EOS (default: ${DEFAULT-VALUE}).")
    int decLen;

    @Option(names = "--d-model", defaultValue = "128")
    int dModel;

    @Option(names = "--layers", defaultValue = "4", description = "Encoder layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--decoder-layers", description = "Decoder layers (default: = --layers).")
    Integer decoderLayers;

    @Option(names = "--heads", defaultValue = "6")
    int heads;

    @Option(names = "--d-kv", defaultValue = "64")
    int dKv;

    @Option(names = "--d-ff", defaultValue = "1024")
    int dFf;

    @Option(names = "--ff", defaultValue = "relu", description = "relu or gated-gelu.")
    String ff;

    @Option(names = "--vocab", defaultValue = "33124", description = "Vocabulary: T5's 32,100 + 4 x 256 item tokens by default.")
    int vocab;

    @Option(names = "--dropout", defaultValue = "0.1")
    double dropout;

    @Option(names = "--steps", defaultValue = "5", description = "Timed training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed warm-up steps/batches (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--beam", defaultValue = "20")
    int beam;

    @picocli.CommandLine.Mixin
    NormalisationOption normalisation;

    @Option(names = "--decode-batch", defaultValue = "64", description = "Users per beam-search batch (default: ${DEFAULT-VALUE}).")
    int decodeBatch;

    @Option(names = "--decode-batches", defaultValue = "3", description = "Timed beam-search batches (default: ${DEFAULT-VALUE}).")
    int decodeBatches;

    @Option(names = "--streams",
            description = "Decoding streams: threads that each decode whole batches with threads/streams intra-op "
                    + "threads (default: what eval and the SIIT loop use, siit.decode.streams, which bin/siit "
                    + "sets to the number of cores, SIIT_DECODE_STREAMS to override).")
    Integer streams;

    @Option(names = "--trie-items", defaultValue = "1682", description = "Identifiers in the trie (default: ${DEFAULT-VALUE}).")
    int trieItems;

    @Option(names = "--id-length", defaultValue = "4", description = "Tokens per identifier (default: ${DEFAULT-VALUE}).")
    int idLength;

    @Option(names = "--codes", defaultValue = "256", description = "Codes per identifier level (default: ${DEFAULT-VALUE}).")
    int codes;

    @Option(names = "--profile", paramLabel = "FILE",
            description = "Write a PyTorch profiler trace (Chrome JSON) of the timed steps to FILE.")
    Path profile;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Override
    public Integer call() {
        if (!Set.of("train", "decode", "all").contains(mode)) {
            throw new InputException("--mode must be train, decode or all, got " + mode);
        }
        if (streams == null) {
            streams = DecodingStreams.shared().streams();
        }
        if (streams < 1) {
            throw new InputException("--streams must be at least 1, got " + streams);
        }
        if (profile != null && streams > 1) {
            throw new InputException("--profile records one thread: use it with --streams 1");
        }
        if (vocab < 3 + idLength * codes) { // pad, EOS and at least one text token for the prompts
            throw new InputException("--vocab " + vocab + " is too small for " + idLength + " x " + codes + " item tokens");
        }
        T5Config cfg = new T5Config(vocab, dModel, dKv, dFf, layers, decoderLayers == null ? layers : decoderLayers, heads,
                32, 128, dropout, 1e-6, ff, true, 1.0, 0, 1, 0);
        var out = spec.commandLine().getOut();
        ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch before the JniUtils queries below
        out.printf("cpu: %s%n", CpuInfo.current().describe());
        out.printf("model: %s%nthreads: %d intra-op, %d inter-op; grad mode %s; LD_PRELOAD=%s%n", cfg,
                JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(), JniUtils.isGradMode(), System.getenv("LD_PRELOAD"));
        out.printf("kernels: %s%n", ColumnLogSoftmax.nativeAvailable()
                ? "column log-softmax in JNI (" + ColumnLogSoftmax.nativeVariant().label() + " row pass)"
                : "libtorch only (" + ColumnLogSoftmax.loadError() + ")");
        SplittableRandom rng = new SplittableRandom(seed);
        try (T5Model model = T5Model.create(cfg, seed); NDManager manager = NDManager.newBaseManager(model.device())) {
            out.printf("parameters: %,d%n", model.parameterCount());
            if (!mode.equals("decode")) {
                benchTrain(model, manager, rng, out);
            }
            if (!mode.equals("train")) {
                benchDecode(model, manager, rng, out);
            }
        }
        out.printf("peak RSS: %.0f MiB%n", ResidentMemory.peakMiB());
        return 0;
    }

    private void benchTrain(T5Model model, NDManager manager, SplittableRandom rng, java.io.PrintWriter out) {
        TrainConfig c = TrainConfig.defaults().with(Map.of("batch_size", batchSize, "warmup_steps", 0));
        List<Seq2SeqExample> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            int[] in = randomTokens(rng, encLen, 2, vocab - idLength * codes);
            in[encLen - 1] = 1;
            int[] target = randomTokens(rng, decLen, vocab - idLength * codes, vocab);
            target[decLen - 1] = 1;
            batch.add(new Seq2SeqExample(in, target));
        }
        try (Trainer t = new Trainer(model, c, manager, 0).progress(false)) {
            for (int i = 0; i < warmup; i++) {
                t.step(batch, 1e-4);
            }
            startProfile();
            long f0 = ResidentMemory.minorFaults();
            long t0 = System.nanoTime();
            double c0 = cpuSeconds();
            for (int i = 0; i < steps; i++) {
                t.step(batch, 1e-4);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            stopProfile("train");
            double cpu = cpuSeconds() - c0;
            out.printf("train: batch %d, enc %d, dec %d: %.1f samples/s (%.3f s/step over %d steps); "
                            + "CPU %.1f s = %.1f samples per CPU-second; RSS %.0f MiB; %,d page faults/step%n",
                    batchSize, encLen, decLen, batchSize * steps / s, s / steps, steps, cpu, batchSize * steps / cpu,
                    ResidentMemory.currentMiB(), (ResidentMemory.minorFaults() - f0) / steps);
        }
    }

    private void benchDecode(T5Model model, NDManager manager, SplittableRandom rng, java.io.PrintWriter out) {
        int base = vocab - idLength * codes;
        Set<List<Integer>> seen = new HashSet<>();
        int[][] ids = new int[trieItems][];
        for (int i = 0; i < trieItems; ) {
            int[] id = new int[idLength];
            for (int l = 0; l < idLength; l++) {
                id[l] = base + l * codes + rng.nextInt(codes);
            }
            if (seen.add(java.util.Arrays.stream(id).boxed().toList())) {
                ids[i++] = id;
            }
        }
        PrefixTrie trie = new PrefixTrie(ids, model.eosTokenId());
        dev.siit.model.TokenNormalisation norm = normalisation.value();
        ConstrainedBeamSearch search = new ConstrainedBeamSearch(model, trie, beam, 0, norm);
        int[][] prompts = new int[decodeBatch][];
        for (int i = 0; i < decodeBatch; i++) {
            prompts[i] = randomTokens(rng, encLen, 2, vocab - idLength * codes);
            prompts[i][encLen - 1] = 1;
        }
        long f0;
        long t0;
        double c0;
        int found = 0;
        long t1;
        try (DecodingStreams decoding = new DecodingStreams(streams)) {
            // every stream warms up (its thread's first batches are slow) before the clock starts
            decoding.map(manager, warmup * streams, (m, i) -> search.search(m, prompts), i -> { });
            startProfile();
            f0 = ResidentMemory.minorFaults();
            c0 = cpuSeconds();
            t0 = System.nanoTime();
            for (var batch : decoding.map(manager, decodeBatches, (m, i) -> search.search(m, prompts), i -> { })) {
                for (var h : batch) {
                    found += h.size();
                }
            }
            t1 = System.nanoTime();
            stopProfile("decode");
        }
        double s = (t1 - t0) / 1e9;
        double cpu = cpuSeconds() - c0;
        out.printf("decode: beam %d, %d users/batch, enc %d, trie of %d %d-token identifiers, %s normalisation, "
                        + "%d stream(s): %.1f users/s "
                        + "(%.3f s/batch, %.1f hypotheses/user); CPU %.1f s = %.1f users per CPU-second; RSS %.0f MiB; "
                        + "%,d page faults/batch%n",
                beam, decodeBatch, encLen, trieItems, idLength, norm.cliName(), streams, decodeBatch * decodeBatches / s, s / decodeBatches,
                found / (double) (decodeBatch * decodeBatches), cpu, decodeBatch * decodeBatches / cpu,
                ResidentMemory.currentMiB(), (ResidentMemory.minorFaults() - f0) / decodeBatches);
    }

    private void startProfile() {
        if (profile != null) {
            JniUtils.startProfile(false, true, false);
        }
    }

    /** Writes the trace beside {@link #profile}, suffixed by the phase (train/decode). */
    private void stopProfile(String phase) {
        if (profile != null) {
            String name = profile.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String file = dot < 0 ? name + "-" + phase : name.substring(0, dot) + "-" + phase + name.substring(dot);
            Path target = profile.resolveSibling(file).toAbsolutePath();
            JniUtils.stopProfile(target.toString());
            spec.commandLine().getOut().printf("profile: %s%n", target);
        }
    }

    /** CPU time of this process (all threads): with other jobs on the machine, wall-clock alone misleads. */
    private static double cpuSeconds() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    private static int[] randomTokens(SplittableRandom rng, int n, int lo, int hi) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = lo + rng.nextInt(hi - lo);
        }
        return t;
    }
}
