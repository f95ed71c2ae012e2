package dev.siit.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hugging Face safetensors format: an 8-byte little-endian header length, a JSON header
 * mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets
 * into the data that follows the header) plus an optional {@code "__metadata__"} map of strings,
 * then the raw little-endian tensor bytes. We write F32; we read F32, F16 and BF16 (half
 * formats widened to float32 here in Java, since DJL 0.36 aborts on bf16 arrays).
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String METADATA = "__metadata__";

    /** One tensor: its shape and float32 values in row-major order. */
    public record Tensor(long[] shape, FloatBuffer data) {
        public long size() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }

        public static Tensor of(long[] shape, float[] values) {
            return new Tensor(shape.clone(), FloatBuffer.wrap(values));
        }
    }

    /** A file's tensors in header order and its metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    /**
     * Reads a whole file. F32 tensors are views of a read-only memory map (no copy on the Java
     * heap); F16 / BF16 are converted to float32 arrays.
     */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw new InputException(file + " is not a safetensors file: shorter than its 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > fileSize - 8 || headerLen > 100_000_000L) {
                throw new InputException(file + " is not a safetensors file: header length " + headerLen
                        + " does not fit a file of " + fileSize + " bytes");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new InputException(file + " has a malformed safetensors header: " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) {
                throw new InputException(file + " has a safetensors header that is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = fileSize - dataStart;
            if (dataLen > Integer.MAX_VALUE) {
                throw new InputException(file + " holds " + dataLen + " data bytes; files over 2 GB are not supported");
            }
            ByteBuffer data = dataLen == 0 ? ByteBuffer.allocate(0)
                    : ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen);
            data.order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (METADATA.equals(e.getKey())) {
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), tensor(file, e.getKey(), e.getValue(), data));
            }
            return new Contents(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new InputException("no such file: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Tensor tensor(Path file, String name, JsonNode entry, ByteBuffer data) {
        String where = file + ": tensor " + name;
        JsonNode dtypeNode = entry.get("dtype");
        JsonNode shapeNode = entry.get("shape");
        JsonNode offsets = entry.get("data_offsets");
        if (dtypeNode == null || shapeNode == null || !shapeNode.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new InputException(where + " needs dtype, shape and two data_offsets");
        }
        String dtype = dtypeNode.asText();
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new InputException(where + " has a negative or non-integer dimension in its shape");
            }
            count *= shape[i];
        }
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new InputException(where + " has dtype " + dtype + "; only F32, F16 and BF16 are read");
        };
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > data.capacity()) {
            throw new InputException(where + " has data_offsets [" + begin + ", " + end + "] outside the "
                    + data.capacity() + " data bytes");
        }
        if (end - begin != count * width) {
            throw new InputException(where + " has " + (end - begin) + " bytes but shape and dtype need " + count * width);
        }
        ByteBuffer bytes = data.slice((int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        if (width == 4) {
            return new Tensor(shape, bytes.asFloatBuffer());
        }
        float[] values = new float[(int) count];
        boolean bf16 = dtype.equals("BF16");
        for (int i = 0; i < values.length; i++) {
            short bits = bytes.getShort(2 * i);
            values[i] = bf16 ? Float.intBitsToFloat((bits & 0xFFFF) << 16) : halfToFloat(bits);
        }
        return new Tensor(shape, FloatBuffer.wrap(values));
    }

    /** IEEE 754 binary16 -> float32 (exact: every half value is representable). */
    static float halfToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) { // infinity or NaN
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa * 2^-24
            float v = mantissa * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
        }
    }

    /** Writes F32 tensors in the given order, with string metadata, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            if (t.data().remaining() != t.size()) {
                throw new IllegalArgumentException("tensor " + e.getKey() + " holds " + t.data().remaining()
                        + " values but its shape needs " + t.size());
            }
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", "F32");
            ArrayNode shape = entry.putArray("shape");
            for (long s : t.shape()) {
                shape.add(s);
            }
            long bytes = 4 * t.size();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // pad the header with spaces to a multiple of 8 bytes, as the reference writer does
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = new byte[padded];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        java.util.Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        AtomicFiles.write(file, out -> {
            OutputStream o = new BufferedOutputStream(out, 1 << 20);
            o.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            o.write(headerBytes);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                FloatBuffer src = t.data().duplicate();
                while (src.hasRemaining()) {
                    chunk.clear();
                    while (chunk.remaining() >= 4 && src.hasRemaining()) {
                        chunk.putFloat(src.get());
                    }
                    o.write(chunk.array(), 0, chunk.position());
                }
            }
            o.flush();
        });
    }
}
