package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Option errors of serve and loadtest: exit code 2 and one sentence, before anything starts. */
class ServeCommandTest {

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SiitCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void needsExactlyOneOfRunAndData() {
        String[] r = run("serve");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--run") && r[2].contains("--data"), r[2]);
        assertEquals("2", run("serve", "--run", "x", "--data", "y")[0]);
    }

    @Test
    void badOptionsAreUserErrors() {
        String ml = System.getProperty("siit.shared.data") + "/ml-100k";
        assertEquals("2", run("serve", "--data", ml, "--port", "70000")[0]);
        assertEquals("2", run("serve", "--data", ml, "--max-batch", "0")[0]);
        String[] noWorkers = run("serve", "--data", ml, "--workers", "0");
        assertEquals("2", noWorkers[0]);
        assertTrue(noWorkers[2].contains("--workers must be >= 1"), noWorkers[2]);
        // the co-occurrence baseline keeps a scratch array: it answers one batch at a time
        String[] twoWorkers = run("serve", "--data", ml, "--workers", "2");
        assertEquals("2", twoWorkers[0]);
        assertTrue(twoWorkers[2].contains("--workers applies to --run"), twoWorkers[2]);
        String[] missing = run("serve", "--data", "/nonexistent/data");
        assertEquals("2", missing[0]);
        assertTrue(missing[2].contains("/nonexistent/data"), missing[2]);
    }

    @Test
    void loadtestRefusesNonLoopbackTargets() {
        String[] r = run("loadtest", "--url", "http://10.1.2.3:8080/", "--data", "x");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("loopback"), r[2]);
    }
}
