package dev.siit.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.io.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineConfigTest {

    @Test
    void fileOverridesOnlyTheFieldsItNames(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "model: sasrec\nhiddenSize: 32\nloss: bpr\n");
        BaselineConfig c = BaselineConfig.load("sasrec", f);
        assertEquals(32, c.hiddenSize());
        assertEquals("bpr", c.loss());
        assertEquals(BaselineConfig.defaults("sasrec").maxHistory(), c.maxHistory());
    }

    @Test
    void badFieldsNameTheFileAndField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "hiddenSise: 32\n");
        InputException e = assertThrows(InputException.class, () -> BaselineConfig.load("gru4rec", f));
        assertTrue(e.getMessage().contains("hiddenSise") && e.getMessage().contains("c.yaml"), e.getMessage());
        Files.writeString(f, "numHeads: 3\n");
        e = assertThrows(InputException.class, () -> BaselineConfig.load("sasrec", f));
        assertTrue(e.getMessage().contains("numHeads"), e.getMessage());
        Files.writeString(f, "caserTargets: 0\n");
        e = assertThrows(InputException.class, () -> BaselineConfig.load("caser", f));
        assertTrue(e.getMessage().contains("caserTargets"), e.getMessage());
        Files.writeString(f, "model: caser\n");
        assertThrows(InputException.class, () -> BaselineConfig.load("sasrec", f));
        Files.writeString(f, "loss: bpr\n");
        assertThrows(InputException.class, () -> BaselineConfig.load("caser", f));
    }

    @Test
    void shippedConfigsAreTheDefaults() {
        Path configs = Path.of("configs", "baselines");
        for (String m : new String[] {"sasrec", "gru4rec", "caser", "bert4rec"}) {
            Path f = configs.resolve(m + ".yaml");
            assertTrue(Files.isRegularFile(f), "missing " + f);
            assertEquals(BaselineConfig.defaults(m), BaselineConfig.load(m, f), f.toString());
        }
    }
}
