package dev.siit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import dev.siit.model.Seq2SeqModel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain parameter file for any block: magic {@code SIITPARM}, format version, count, then per
 * parameter its name, shape and little-endian float32 values. Loading requires exactly the
 * block's names and shapes.
 */
public final class ParameterFile implements WeightsFormat {
    static final String MAGIC = "SIITPARM";
    static final int VERSION = 1;

    @Override
    public String fileName() {
        return "parameters.bin";
    }

    @Override
    public void save(Seq2SeqModel model, Path file) {
        Map<String, NDArray> params = arrays(model);
        AtomicFiles.write(file, os -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
            out.writeBytes(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(params.size());
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                out.writeUTF(e.getKey());
                writeFloats(out, e.getValue().getShape(), e.getValue().toFloatArray());
            }
            out.flush();
        });
    }

    @Override
    public void load(Seq2SeqModel model, Path file) {
        Map<String, NDArray> params = arrays(model);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            checkHeader(in, MAGIC, VERSION, file);
            int n = in.readInt();
            if (n != params.size()) {
                throw new InputException(file + " holds " + n + " parameters, the model has " + params.size());
            }
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                NDArray target = params.get(name);
                if (target == null) {
                    throw new InputException(file + " holds parameter " + name + " that the model does not have");
                }
                Shape shape = readShape(in);
                if (!shape.equals(target.getShape())) {
                    throw new InputException(file + ": parameter " + name + " has shape " + shape + ", the model "
                            + target.getShape());
                }
                target.set(readFloats(in, (int) shape.size()));
            }
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parameter arrays by name, in block order. */
    static Map<String, NDArray> arrays(Seq2SeqModel model) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.block().getParameters()) {
            out.put(p.getKey(), p.getValue().getArray());
        }
        return out;
    }

    static void checkHeader(DataInputStream in, String magic, int version, Path file) throws IOException {
        byte[] m = new byte[magic.length()];
        in.readFully(m);
        if (!new String(m, java.nio.charset.StandardCharsets.US_ASCII).equals(magic)) {
            throw new InputException(file + " is not a " + magic + " file");
        }
        int v = in.readInt();
        if (v != version) {
            throw new InputException(file + " has format version " + v + ", this build reads version " + version);
        }
    }

    static void writeFloats(DataOutputStream out, Shape shape, float[] values) throws IOException {
        out.writeInt(shape.dimension());
        for (long d : shape.getShape()) {
            out.writeLong(d);
        }
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        out.write(buf.array());
    }

    static Shape readShape(DataInputStream in) throws IOException {
        int rank = in.readInt();
        if (rank < 0 || rank > 8) {
            throw new IOException("bad rank " + rank);
        }
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readLong();
        }
        return new Shape(dims);
    }

    static float[] readFloats(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n * 4);
        if (bytes.length != n * 4) {
            throw new IOException("file ends early");
        }
        float[] f = new float[n];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
