package dev.siit.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.io.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void everyShippedVariantConfigLoads() throws Exception {
        // tuning/ and batch256/ files name their model; each must load against the defaults
        try (java.util.stream.Stream<Path> files = Files.walk(Path.of("configs", "baselines"))) {
            List<Path> variants = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertTrue(variants.size() >= 8, "expected the shipped configs, found " + variants);
            for (Path f : variants) {
                String model = Files.readAllLines(f).stream().filter(l -> l.startsWith("model: "))
                        .map(l -> l.substring("model: ".length()).strip()).findFirst().orElseThrow();
                assertEquals(model, BaselineConfig.load(model, f).model(), f.toString());
            }
        }
    }
}
