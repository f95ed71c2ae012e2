package dev.siit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SharedDataTest {

    private static QuickstartCommand parsedQuickstart() {
        QuickstartCommand q = new QuickstartCommand();
        new CommandLine(q).parseArgs();
        return q;
    }

    @Test
    void defaultsFollowTheSharedDataPropertyAndFallBackToTheProjectRootLayout() {
        String before = System.getProperty("siit.shared.data");
        try {
            System.setProperty("siit.shared.data", "/opt/siit-data");
            QuickstartCommand q = parsedQuickstart();
            assertEquals(Path.of("/opt/siit-data/ml-100k"), q.data);
            assertEquals(Path.of("/opt/siit-data/t5-tokenizer"), q.tokenizer.path);
            System.clearProperty("siit.shared.data");
            q = parsedQuickstart();
            assertEquals(Path.of("../shared/data/ml-100k"), q.data);
            assertEquals(Path.of("../shared/data/t5-tokenizer"), q.tokenizer.path);
        } finally {
            if (before == null) {
                System.clearProperty("siit.shared.data");
            } else {
                System.setProperty("siit.shared.data", before);
            }
        }
    }
}
