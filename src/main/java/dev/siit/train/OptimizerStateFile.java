package dev.siit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.siit.io.AtomicFiles;
import dev.siit.io.InputException;
import dev.siit.optim.AdamW;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The optimizer half of a checkpoint (DJL's Model.save keeps parameters only): magic
 * {@code SIITADAM}, format version, step count, beta1, beta2, epsilon, weight decay, count,
 * then per parameter its name, shape, first and second moments (little-endian float32).
 */
public final class OptimizerStateFile {
    static final String MAGIC = "SIITADAM";
    static final int VERSION = 1;

    private OptimizerStateFile() {
    }

    public static void save(AdamW opt, Path file) {
        AtomicFiles.write(file, os -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
            out.writeBytes(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(opt.stepCount());
            out.writeDouble(opt.beta1());
            out.writeDouble(opt.beta2());
            out.writeDouble(opt.epsilon());
            out.writeDouble(opt.weightDecay());
            out.writeInt(opt.names().size());
            for (String name : opt.names()) {
                NDArray[] mv = opt.moments(name);
                out.writeUTF(name);
                ParameterFile.writeFloats(out, mv[0].getShape(), mv[0].toFloatArray());
                ParameterFile.writeFloats(out, mv[1].getShape(), mv[1].toFloatArray());
            }
            out.flush();
        });
    }

    /** Restores {@code opt} from {@code file}; the hyper-parameters must match. */
    public static void load(AdamW opt, Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            ParameterFile.checkHeader(in, MAGIC, VERSION, file);
            long step = in.readLong();
            double b1 = in.readDouble();
            double b2 = in.readDouble();
            double eps = in.readDouble();
            double wd = in.readDouble();
            if (b1 != opt.beta1() || b2 != opt.beta2() || eps != opt.epsilon() || wd != opt.weightDecay()) {
                throw new InputException(file + " was written with beta1=" + b1 + " beta2=" + b2 + " epsilon=" + eps
                        + " weight_decay=" + wd + ", which differ from the current config");
            }
            int n = in.readInt();
            Map<String, float[][]> mv = new LinkedHashMap<>();
            Map<String, Shape> shapes = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                Shape s = ParameterFile.readShape(in);
                float[] m = ParameterFile.readFloats(in, (int) s.size());
                Shape s2 = ParameterFile.readShape(in);
                float[] v = ParameterFile.readFloats(in, (int) s2.size());
                mv.put(name, new float[][] {m, v});
                shapes.put(name, s);
            }
            opt.restore(step, mv, shapes);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
