package dev.siit.baseline;

import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A float32 matrix in NumPy's {@code .npy} format, version 1.0: the magic {@code \x93NUMPY},
 * bytes 1 and 0, a little-endian uint16 header length, an ASCII header dict
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (R, C), }} padded with spaces and a
 * final newline so that the data starts at a multiple of 64 bytes, then R x C little-endian
 * floats in row-major (C) order. {@code numpy.load} reads it directly.
 *
 * @param rows   R
 * @param cols   C
 * @param values R x C values, row-major
 */
public record NpyMatrix(int rows, int cols, float[] values) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)");

    public NpyMatrix {
        if (rows < 0 || cols < 0 || (long) rows * cols != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape (" + rows + ", " + cols + ")");
        }
    }

    /** The header dict, padded so that magic + version + length + header is a multiple of 64. */
    static String header(int rows, int cols) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        return dict + " ".repeat(pad) + "\n";
    }

    /** The complete file content. */
    public byte[] toBytes() {
        byte[] h = header(rows, cols).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + h.length + 4 * values.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    public void write(Path file) {
        byte[] bytes = toBytes();
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** Reads a 2-D little-endian float32 C-order {@code .npy} file (version 1.0 or 2.0). */
    public static NpyMatrix read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : MAGIC) {
            if (!buf.hasRemaining() || buf.get() != b) {
                throw new InputException(file + " is not a .npy file (bad magic)");
            }
        }
        int major = buf.get();
        buf.get();
        int headerLen = switch (major) {
            case 1 -> Short.toUnsignedInt(buf.getShort());
            case 2, 3 -> buf.getInt();
            default -> throw new InputException(file + ": unsupported .npy version " + major);
        };
        byte[] h = new byte[headerLen];
        buf.get(h);
        String header = new String(h, StandardCharsets.US_ASCII);
        if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False")) {
            throw new InputException(file + ": expected a little-endian float32 C-order array, header " + header.strip());
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new InputException(file + ": expected a 2-D shape in header " + header.strip());
        }
        int rows = Integer.parseInt(m.group(1));
        int cols = Integer.parseInt(m.group(2));
        float[] values = new float[rows * cols];
        if (buf.remaining() != 4L * values.length) {
            throw new InputException(file + ": " + buf.remaining() + " data bytes for shape (" + rows + ", " + cols + ")");
        }
        buf.asFloatBuffer().get(values);
        return new NpyMatrix(rows, cols, values);
    }
}
