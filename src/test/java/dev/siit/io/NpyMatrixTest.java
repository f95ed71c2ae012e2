package dev.siit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyMatrixTest {

    @Test
    void bytesFollowTheNpyVersion1Layout() {
        byte[] b = new NpyMatrix(2, 3, new float[] {1f, 2f, 3f, 4f, 5f, -1.5f}).toBytes();
        // magic \x93NUMPY, version 1.0
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(b, 8));
        int headerLen = (b[8] & 0xff) | (b[9] & 0xff) << 8; // little-endian uint16
        assertEquals(0, (10 + headerLen) % 64, "data must start on a 64-byte boundary");
        String header = new String(b, 10, headerLen, StandardCharsets.US_ASCII);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        assertEquals(dict, header.substring(0, dict.length()));
        assertEquals("\n", header.substring(headerLen - 1));
        assertEquals("", header.substring(dict.length(), headerLen - 1).strip(), "padding is spaces");
        assertEquals(59, dict.length());
        assertEquals(128, 10 + headerLen); // 10 + 59 + 1 = 70 rounds up to 128
        assertEquals(128 + 6 * 4, b.length);
        // 1.0f = 0x3F800000 little-endian; -1.5f = 0xBFC00000
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F}, Arrays.copyOfRange(b, 128, 132));
        assertArrayEquals(new byte[] {0, 0, (byte) 0xC0, (byte) 0xBF}, Arrays.copyOfRange(b, 148, 152));
    }

    @Test
    void roundTripsThroughAFile(@TempDir Path dir) {
        float[] v = new float[7 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i) * 100;
        }
        Path f = dir.resolve("e.npy");
        new NpyMatrix(7, 5, v).write(f);
        NpyMatrix back = NpyMatrix.read(f);
        assertEquals(7, back.rows());
        assertEquals(5, back.cols());
        assertArrayEquals(v, back.values());
    }

    @Test
    void rejectsOtherDtypesFortranOrderAndTruncatedFiles(@TempDir Path dir) throws Exception {
        byte[] b = new NpyMatrix(1, 1, new float[] {1f}).toBytes();
        String s = new String(b, StandardCharsets.ISO_8859_1);
        Path f = dir.resolve("x.npy");
        Files.write(f, s.replace("<f4", "<i4").getBytes(StandardCharsets.ISO_8859_1));
        InputException dtype = assertThrows(InputException.class, () -> NpyMatrix.read(f));
        assertTrue(dtype.getMessage().contains("dtype <i4"), dtype.getMessage());
        Files.write(f, s.replace("False", "True ").getBytes(StandardCharsets.ISO_8859_1));
        assertThrows(InputException.class, () -> NpyMatrix.read(f));
        Files.write(f, Arrays.copyOf(b, 40)); // cut inside the header
        assertThrows(InputException.class, () -> NpyMatrix.read(f));
        Files.write(f, Arrays.copyOf(b, b.length - 1)); // cut inside the data
        assertThrows(InputException.class, () -> NpyMatrix.read(f));
    }

    @Test
    void readsFloat64AsFloat32AndVersion2Headers(@TempDir Path dir) throws Exception {
        // numpy.save(np.array([[0.5, -2.0], [3.25, 1e-3]])) with a version 2.0 header: uint32 length
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
        byte[] h = (dict + " ".repeat(64 - (12 + dict.length() + 1) % 64) + "\n").getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(12 + h.length + 4 * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(h.length).put(h);
        buf.putDouble(0.5).putDouble(-2.0).putDouble(3.25).putDouble(1e-3);
        Path f = dir.resolve("d.npy");
        Files.write(f, buf.array());
        NpyMatrix m = NpyMatrix.read(f);
        assertEquals(2, m.rows());
        assertEquals(2, m.cols());
        assertArrayEquals(new float[] {0.5f, -2f, 3.25f, 1e-3f}, m.values());
        assertArrayEquals(new float[] {3.25f, 1e-3f}, m.toRows()[1]);
    }
}
