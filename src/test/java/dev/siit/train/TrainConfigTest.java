package dev.siit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.io.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {
    @TempDir
    Path dir;

    @Test
    void yamlOverDefaultsThenOptionsOverFile() throws Exception {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "learning_rate: 0.0005\nepochs: 3\nschedule: linear\n");
        TrainConfig c = TrainConfig.load(f);
        assertEquals(5e-4, c.learningRate());
        assertEquals(3, c.epochs());
        assertEquals("linear", c.schedule());
        assertEquals(256, c.batchSize()); // default kept
        TrainConfig o = c.with(Map.of("epochs", 7, "device", "cpu"));
        assertEquals(7, o.epochs());
        assertEquals(5e-4, o.learningRate());
        Path j = dir.resolve("c.json");
        Files.writeString(j, o.toJson());
        assertEquals(o, TrainConfig.load(j));
    }

    @Test
    void badKeysAndValuesNameTheField() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "learning_rat: 0.1\n");
        InputException e = assertThrows(InputException.class, () -> TrainConfig.load(f));
        assertTrue(e.getMessage().contains("learning_rat"), e.getMessage());
        Files.writeString(f, "batch_size: 0\n");
        e = assertThrows(InputException.class, () -> TrainConfig.load(f));
        assertTrue(e.getMessage().contains("batch_size"), e.getMessage());
        Files.writeString(f, "schedule: step\n");
        e = assertThrows(InputException.class, () -> TrainConfig.load(f));
        assertTrue(e.getMessage().contains("schedule"), e.getMessage());
    }
}
