package dev.siit.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.siit.io.InputException;
import dev.siit.model.ItemTokenizer;
import dev.siit.model.T5Model;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siit score}: the target's per-token log-probabilities under a checkpoint, so a loaded
 * model can be checked against another implementation (e.g. Hugging Face transformers:
 * {@code log_softmax(model(input_ids, labels=target_ids).logits)}).
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Print the per-token ids, tokens and log-probabilities of --target given --input.")
public final class ScoreCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--backbone", required = true, paramLabel = "DIR",
            description = "Checkpoint folder: config.json, model.safetensors, optional tokenizer.json and "
                    + ItemTokenizer.ITEM_TOKENS_FILE + ".")
    Path backbone;

    @Option(names = "--input", required = true, paramLabel = "TEXT", description = "Encoder input (a prompt).")
    String input;

    @Option(names = "--target", required = true, paramLabel = "TEXT", description = "Decoder target; EOS is appended.")
    String target;

    @Option(names = "--tokenizer", paramLabel = "PATH", defaultValue = SharedData.TOKENIZER,
            description = "tokenizer.json (or its folder) when the checkpoint has none (default: ${DEFAULT-VALUE}).")
    Path tokenizerPath;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu", description = "cpu, gpu or gpu(N) (default: cpu).")
    String device;

    @Override
    public void run() {
        if (!Files.isDirectory(backbone)) {
            throw new InputException("--backbone " + backbone + " is not a folder");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (T5Model model = T5Model.load(backbone, Device.fromName(device));
             ItemTokenizer tokenizer = ItemTokenizer.forCheckpoint(backbone, tokenizerPath);
             NDManager m = NDManager.newBaseManager(model.device())) {
            if (tokenizer.vocabSize() > model.vocabSize()) {
                throw new InputException("the tokenizer has " + tokenizer.vocabSize() + " ids but the model in "
                        + backbone + " only " + model.vocabSize() + " embedding rows");
            }
            int[] in = tokenizer.encode(input);
            int[] tgt = tokenizer.encode(target);
            int[] decIn = new int[tgt.length]; // start token, then the target shifted right
            decIn[0] = model.decoderStartTokenId();
            System.arraycopy(tgt, 0, decIn, 1, tgt.length - 1);
            NDArray inputIds = m.create(in, new Shape(1, in.length));
            NDArray mask = m.ones(new Shape(1, in.length), ai.djl.ndarray.types.DataType.INT32);
            NDArray logits = model.decode(model.encode(inputIds, mask, false), mask,
                    m.create(decIn, new Shape(1, decIn.length)), false); // (1, T, V)
            float[] logProbs = logits.logSoftmax(-1).get(0).toFloatArray(); // (T * V)
            int v = model.vocabSize();
            out.printf(Locale.ROOT, "input ids (%d): %s%n", in.length, java.util.Arrays.toString(in));
            out.printf(Locale.ROOT, "%4s %7s %-16s %12s%n", "pos", "id", "token", "log_prob");
            double total = 0;
            for (int t = 0; t < tgt.length; t++) {
                float lp = logProbs[t * v + tgt[t]];
                total += lp;
                out.printf(Locale.ROOT, "%4d %7d %-16s %12.6f%n", t, tgt[t], tokenizer.token(tgt[t]), lp);
            }
            out.printf(Locale.ROOT, "total log_prob %.6f over %d tokens%n", total, tgt.length);
        }
    }
}
