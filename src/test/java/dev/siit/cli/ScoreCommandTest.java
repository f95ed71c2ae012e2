package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.siit.model.ItemTokenizer;
import dev.siit.model.Seq2SeqModel;
import dev.siit.model.T5Config;
import dev.siit.model.T5Model;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {
    static final Path TOKENIZER = Path.of(System.getProperty("siit.shared.data", "../shared/data"), "t5-tokenizer");

    @Test
    void printsPerTokenLogProbabilitiesThatMatchCachedDecoding(@TempDir Path dir) {
        List<String> items = List.of("<a_3>", "<b_5>", "<c_1>");
        int[] target;
        float[] expected;
        try (ItemTokenizer tok = ItemTokenizer.load(TOKENIZER, items)) {
            T5Config cfg = new T5Config(tok.vocabSize(), 8, 4, 16, 1, 1, 2, 8, 20, 0.1, 1e-6, T5Config.RELU, true, 1.0, 0, 1, 0);
            tok.saveItemTokens(dir);
            target = tok.encode("<a_3><b_5><c_1>");
            try (T5Model model = T5Model.create(cfg, 3); NDManager m = NDManager.newBaseManager()) {
                model.save(dir);
                // independent path: the KV-cache step, one token at a time
                int[] in = tok.encode("The person has recently bought <a_3><b_5>. Answer:");
                NDArray ids = m.create(in, new Shape(1, in.length));
                NDArray mask = m.ones(new Shape(1, in.length), ai.djl.ndarray.types.DataType.INT32);
                expected = new float[target.length];
                try (Seq2SeqModel.DecoderCache cache = model.newCache(model.encode(ids, mask, false), mask)) {
                    int prev = model.decoderStartTokenId();
                    for (int t = 0; t < target.length; t++) {
                        NDArray lp = model.step(cache, m.create(new int[] {prev})).logSoftmax(-1);
                        expected[t] = lp.getFloat(0, target[t]);
                        prev = target[t];
                    }
                }
            }
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SiitCli.execute(new String[] {"score", "--backbone", dir.toString(), "--tokenizer", TOKENIZER.toString(),
                "--input", "The person has recently bought <a_3><b_5>. Answer:", "--target", "<a_3><b_5><c_1>"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        Matcher row = Pattern.compile("(?m)^\\s*(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(-?[0-9.]+)$").matcher(out.toString());
        int n = 0;
        while (row.find()) {
            assertEquals(target[n], Integer.parseInt(row.group(2)));
            assertEquals(expected[n], Float.parseFloat(row.group(4)), 1e-4, out.toString());
            n++;
        }
        assertEquals(4, n, out.toString()); // three item tokens and EOS
        assertTrue(out.toString().contains("<c_1>"));
    }

    @Test
    void missingBackboneIsAUserError(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int code = SiitCli.execute(new String[] {"score", "--backbone", dir.resolve("nope").toString(), "--input", "a",
                "--target", "b"}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(SiitCli.EXIT_USER, code);
        assertTrue(err.toString().contains("nope"), err.toString());
    }
}
