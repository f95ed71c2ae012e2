package dev.siit.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.ids.cid.CidConfig;
import dev.siit.ids.rqvae.RqVaeConfig;
import dev.siit.io.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexerConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void fileOverridesDefaultsAndUnknownOrInvalidFieldsAreRefused() throws Exception {
        Path yaml = dir.resolve("cid.yaml");
        Files.writeString(yaml, "clusters: 10\nmaxLeafSize: 500\n");
        CidConfig c = IndexerConfigFile.load(yaml, CidConfig.DEFAULT, CidConfig.class);
        assertEquals(new CidConfig(10, 500, 0, 10, 300), c);
        Path json = dir.resolve("letter.json");
        Files.writeString(json, "{\"epochs\": 3, \"hidden\": [64]}");
        RqVaeConfig r = IndexerConfigFile.load(json, RqVaeConfig.LETTER, RqVaeConfig.class);
        assertEquals(3, r.epochs());
        assertEquals(List.of(64), r.hidden());
        assertEquals(0.02, r.alpha());
        Files.writeString(yaml, "clusterz: 10\n");
        InputException e = assertThrows(InputException.class, () -> IndexerConfigFile.load(yaml, CidConfig.DEFAULT, CidConfig.class));
        assertTrue(e.getMessage().contains("clusterz"), e.getMessage());
        Files.writeString(yaml, "clusters: 1\n");
        e = assertThrows(InputException.class, () -> IndexerConfigFile.load(yaml, CidConfig.DEFAULT, CidConfig.class));
        assertTrue(e.getMessage().contains("clusters must be >= 2"), e.getMessage());
    }
}
