package dev.siit.baseline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The named trainable tensors of one baseline, in creation order. Initial values are drawn in
 * Java from the seeded {@link SplittableRandom} handed in, so the same seed gives the same model
 * on every engine and device.
 */
public final class ModelWeights {
    private final NDManager manager;
    private final SplittableRandom random;
    private final LinkedHashMap<String, NDArray> weights = new LinkedHashMap<>();

    public ModelWeights(NDManager manager, SplittableRandom random) {
        this.manager = manager;
        this.random = random;
    }

    public NDManager manager() {
        return manager;
    }

    /** N(0, std^2) values. */
    public NDArray normal(String name, double std, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (gaussian() * std);
        }
        return add(name, v, shape);
    }

    /** Glorot/Xavier uniform on (fanOut, fanIn) = (shape[0], shape[1]). */
    public NDArray xavier(String name, long... shape) {
        double a = Math.sqrt(6.0 / (shape[0] + shape[1]));
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * a);
        }
        return add(name, v, shape);
    }

    /** U(-bound, bound) values. */
    public NDArray uniform(String name, double bound, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return add(name, v, shape);
    }

    public NDArray constant(String name, float value, long... shape) {
        float[] v = new float[(int) new Shape(shape).size()];
        java.util.Arrays.fill(v, value);
        return add(name, v, shape);
    }

    private double gaussian() {
        // Box-Muller from the passed-in stream (SplittableRandom has no nextGaussian in Java 17)
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private NDArray add(String name, float[] values, long... shape) {
        if (weights.containsKey(name)) {
            throw new IllegalArgumentException("duplicate weight " + name);
        }
        NDArray a = manager.create(values, new Shape(shape));
        a.setName(name);
        a.setRequiresGradient(true);
        weights.put(name, a);
        return a;
    }

    public NDArray get(String name) {
        NDArray a = weights.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no weight " + name);
        }
        return a;
    }

    public Map<String, NDArray> all() {
        return Collections.unmodifiableMap(weights);
    }

    public long parameterCount() {
        long n = 0;
        for (NDArray a : weights.values()) {
            n += a.size();
        }
        return n;
    }

    /** Host copies of every weight, in order (for best-model snapshots and checkpoints). */
    public List<float[]> snapshot() {
        List<float[]> out = new ArrayList<>(weights.size());
        for (NDArray a : weights.values()) {
            out.add(a.toFloatArray());
        }
        return out;
    }

    /** Overwrites every weight in place with {@code values} (same order and sizes as {@link #snapshot()}). */
    public void restore(List<float[]> values) {
        if (values.size() != weights.size()) {
            throw new IllegalArgumentException(values.size() + " tensors for " + weights.size() + " weights");
        }
        int i = 0;
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray a = e.getValue();
            float[] v = values.get(i++);
            if (v.length != a.size()) {
                throw new IllegalArgumentException("weight " + e.getKey() + " has " + a.size() + " values, got " + v.length);
            }
            try (NDArray src = manager.create(v, a.getShape())) {
                a.set(src.toByteBuffer());
            }
        }
    }

    /** Writes name, shape and values of every weight. */
    public static void write(DataOutputStream out, Map<String, NDArray> named, List<float[]> values) throws IOException {
        out.writeInt(named.size());
        int i = 0;
        for (Map.Entry<String, NDArray> e : named.entrySet()) {
            out.writeUTF(e.getKey());
            long[] shape = e.getValue().getShape().getShape();
            out.writeInt(shape.length);
            for (long s : shape) {
                out.writeLong(s);
            }
            float[] v = values.get(i++);
            for (float x : v) {
                out.writeFloat(x);
            }
        }
    }

    /** Reads what {@link #write} wrote, checking names and shapes against this model's weights. */
    public List<float[]> read(DataInputStream in, String source) throws IOException {
        int n = in.readInt();
        if (n != weights.size()) {
            throw new dev.siit.io.InputException(source + " holds " + n + " tensors, the model has " + weights.size());
        }
        List<float[]> out = new ArrayList<>(n);
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            String name = in.readUTF();
            int rank = in.readInt();
            long[] shape = new long[rank];
            for (int k = 0; k < rank; k++) {
                shape[k] = in.readLong();
            }
            if (!name.equals(e.getKey()) || !new Shape(shape).equals(e.getValue().getShape())) {
                throw new dev.siit.io.InputException(source + " holds " + name + " " + new Shape(shape)
                        + " where the model has " + e.getKey() + " " + e.getValue().getShape());
            }
            float[] v = new float[(int) new Shape(shape).size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = in.readFloat();
            }
            out.add(v);
        }
        return out;
    }
}
