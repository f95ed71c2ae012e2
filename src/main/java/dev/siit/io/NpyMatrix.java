package dev.siit.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A float32 matrix in NumPy's {@code .npy} format, version 1.0: the magic {@code \x93NUMPY},
 * bytes 1 and 0, a little-endian uint16 header length, an ASCII header dict
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (R, C), }} padded with spaces and a
 * final newline so that the data starts at a multiple of 64 bytes, then R x C little-endian
 * floats in row-major (C) order. {@code numpy.load} reads it directly. The one {@code .npy}
 * codec of the toolkit (item embedding tables of SASRec, MiniLM text caches, collaborative
 * embeddings).
 *
 * @param rows   R
 * @param cols   C
 * @param values R x C values, row-major
 */
public record NpyMatrix(int rows, int cols, float[] values) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+),?\\s*\\)");
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");

    public NpyMatrix {
        if (rows < 0 || cols < 0 || (long) rows * cols != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape (" + rows + ", " + cols + ")");
        }
    }

    /** The rows of {@code m} (R, C) as one row-major matrix; every row must have C values. */
    public static NpyMatrix of(float[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        float[] values = new float[m.length * cols];
        for (int i = 0; i < m.length; i++) {
            if (m[i].length != cols) {
                throw new IllegalArgumentException("row " + i + " has " + m[i].length + " values, row 0 has " + cols);
            }
            System.arraycopy(m[i], 0, values, i * cols, cols);
        }
        return new NpyMatrix(m.length, cols, values);
    }

    /** The values as R rows of C. */
    public float[][] toRows() {
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = java.util.Arrays.copyOfRange(values, i * cols, (i + 1) * cols);
        }
        return out;
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

    /** Writes the file atomically. */
    public void write(Path file) {
        byte[] bytes = toBytes();
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * Reads a 2-D little-endian C-order {@code .npy} file (version 1.0, 2.0 or 3.0) of float32, or
     * of float64 rounded to float32.
     */
    public static NpyMatrix read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputException("no such file: " + file, e);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : MAGIC) {
            if (!buf.hasRemaining() || buf.get() != b) {
                throw new InputException(file + " is not a .npy file (bad magic)");
            }
        }
        if (buf.remaining() < 4) {
            throw new InputException(file + " is truncated in its .npy header");
        }
        int major = buf.get();
        buf.get();
        int headerLen = switch (major) {
            case 1 -> Short.toUnsignedInt(buf.getShort());
            case 2, 3 -> buf.remaining() < 4 ? -1 : buf.getInt();
            default -> throw new InputException(file + ": unsupported .npy version " + major);
        };
        if (headerLen < 0 || headerLen > buf.remaining()) {
            throw new InputException(file + " is truncated in its .npy header");
        }
        byte[] h = new byte[headerLen];
        buf.get(h);
        String header = new String(h, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !shape.find()) {
            throw new InputException(file + ": expected a 2-D array, header " + header.strip());
        }
        if (!header.contains("'fortran_order': False")) {
            throw new InputException(file + ": expected a C-order array (fortran_order False), header " + header.strip());
        }
        int width = switch (descr.group(1)) {
            case "<f4" -> 4;
            case "<f8" -> 8;
            default -> throw new InputException(file + ": dtype " + descr.group(1)
                    + " is not supported; expected little-endian float32 (<f4) or float64 (<f8)");
        };
        int rows = Integer.parseInt(shape.group(1));
        int cols = Integer.parseInt(shape.group(2));
        if (buf.remaining() != (long) width * rows * cols) {
            throw new InputException(file + ": " + buf.remaining() + " data bytes for shape (" + rows + ", " + cols
                    + ") of " + width + "-byte values");
        }
        float[] values = new float[rows * cols];
        if (width == 4) {
            buf.asFloatBuffer().get(values);
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) buf.getDouble();
            }
        }
        return new NpyMatrix(rows, cols, values);
    }
}
