package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * picocli renders every description through String.format: a bare '%' (as in "46-62% more")
 * makes it warn on stderr at every --help and print the text unformatted. Renders the help of
 * every command and expects no warning.
 */
class HelpTextTest {

    @Test
    void everyCommandsHelpRendersWithoutWarnings() {
        Deque<CommandLine> todo = new ArrayDeque<>();
        todo.push(new CommandLine(new SiitCli()));
        int commands = 0;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            while (!todo.isEmpty()) {
                CommandLine cl = todo.pop();
                todo.addAll(cl.getSubcommands().values());
                assertTrue(cl.getUsageMessage().contains("Usage:"), cl.getCommandSpec().qualifiedName());
                commands++;
            }
        } finally {
            System.setErr(err);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
        assertTrue(commands > 10, "only " + commands + " commands found");
    }
}
