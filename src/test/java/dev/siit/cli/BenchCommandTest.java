package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    private static final String[] TINY = {"bench", "--mode", "decode", "--d-model", "16", "--layers", "1", "--heads", "2",
        "--d-kv", "8", "--d-ff", "32", "--vocab", "300", "--codes", "8", "--id-length", "3", "--trie-items", "100",
        "--beam", "5", "--decode-batch", "4", "--decode-batches", "3", "--enc-len", "6", "--warmup", "1"};

    @Test
    void twoStreamsDecodeEveryBatchOnce() {
        // 3 batches of 4 users over 2 streams (2 + 1 batches): each user still gets beam-many
        // distinct hypotheses from a trie of 100 identifiers
        for (String streams : new String[] {"1", "2"}) {
            String out = run(streams);
            Matcher m = Pattern.compile("(\\d+) stream\\(s\\): ([0-9.]+) users/s \\([0-9.]+ s/batch, ([0-9.]+) hypotheses/user\\)")
                    .matcher(out);
            assertTrue(m.find(), out);
            assertEquals(streams, m.group(1));
            assertTrue(Double.parseDouble(m.group(2)) > 0, out);
            assertEquals(5.0, Double.parseDouble(m.group(3)), 1e-9, out);
        }
    }

    @Test
    void streamsBelowOneAreRefused() {
        StringWriter err = new StringWriter();
        String[] args = java.util.Arrays.copyOf(TINY, TINY.length + 2);
        args[TINY.length] = "--streams";
        args[TINY.length + 1] = "0";
        int code = SiitCli.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertTrue(code != 0);
        assertTrue(err.toString().contains("--streams must be at least 1, got 0"), err.toString());
    }

    private static String run(String streams) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = java.util.Arrays.copyOf(TINY, TINY.length + 2);
        args[TINY.length] = "--streams";
        args[TINY.length + 1] = streams;
        int code = SiitCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        return out.toString();
    }
}
