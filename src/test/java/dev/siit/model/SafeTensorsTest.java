package dev.siit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.io.InputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    private static float[] values(SafeTensors.Tensor t) {
        FloatBuffer b = t.data().duplicate();
        float[] v = new float[b.remaining()];
        b.get(v);
        return v;
    }

    @Test
    void writesTheReferenceLayoutAndReadsItBack(@TempDir Path dir) throws Exception {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", SafeTensors.Tensor.of(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        tensors.put("b", SafeTensors.Tensor.of(new long[] {1}, new float[] {-0.25f}));
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, tensors, Map.of("k", "v"));

        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8);
        assertEquals(8 + headerLen + 7 * 4, bytes.length);
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"), header);
        assertTrue(header.contains("\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]}"), header);
        // first value of "a" is 1.0f little-endian: 00 00 80 3F
        int data = 8 + (int) headerLen;
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F}, java.util.Arrays.copyOfRange(bytes, data, data + 4));

        SafeTensors.Contents c = SafeTensors.read(file);
        assertEquals("v", c.metadata().get("k"));
        assertArrayEquals(new long[] {2, 3}, c.tensors().get("a").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, values(c.tensors().get("a")));
        assertArrayEquals(new float[] {-0.25f}, values(c.tensors().get("b")));
    }

    @Test
    void readsHalfAndBfloat16AsFloat32(@TempDir Path dir) throws Exception {
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length()).array());
        out.write(header.getBytes(StandardCharsets.UTF_8));
        ByteBuffer d = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800, smallest subnormal 2^-24 = 0x0001
        d.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3800).putShort((short) 0x0001);
        // BF16: 1.0 = 0x3F80, -3.0 = 0xC040
        d.putShort((short) 0x3F80).putShort((short) 0xC040);
        out.write(d.array());
        Path file = dir.resolve("half.safetensors");
        Files.write(file, out.toByteArray());

        SafeTensors.Contents c = SafeTensors.read(file);
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 0x1p-24f}, values(c.tensors().get("h")));
        assertArrayEquals(new float[] {1f, -3f}, values(c.tensors().get("b")));
    }

    @Test
    void rejectsTruncatedAndInconsistentFiles(@TempDir Path dir) throws Exception {
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        InputException e = assertThrows(InputException.class, () -> SafeTensors.read(tiny));
        assertTrue(e.getMessage().contains("tiny.safetensors"), e.getMessage());

        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length()).array());
        out.write(header.getBytes(StandardCharsets.UTF_8));
        out.write(new byte[8]);
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, out.toByteArray());
        e = assertThrows(InputException.class, () -> SafeTensors.read(bad));
        assertTrue(e.getMessage().contains("tensor w has 8 bytes but shape and dtype need 12"), e.getMessage());
    }
}
