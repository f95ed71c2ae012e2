package dev.siit.baseline;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to resume a baseline run after the epoch it was written at: the current
 * weights, the Adam moments, the best weights so far and the early-stopping state. Binary,
 * versioned: magic {@code SIITBL}, version, provenance string, then the state.
 *
 * @param provenance  config JSON + data fingerprint + seed; a resume must present the same string
 * @param epoch       epochs completed
 * @param bestEpoch   epoch with the best validation NDCG@10 (0 = none yet)
 * @param bestNdcg    that NDCG@10
 * @param badEpochs   epochs since the best one
 * @param curve       one record per completed epoch
 * @param adamStep    optimizer steps taken
 * @param weights     current weights
 * @param moments     Adam first/second moments, interleaved per weight
 * @param best        weights of the best epoch
 */
public record TrainingCheckpoint(String provenance, int epoch, int bestEpoch, double bestNdcg, int badEpochs,
                                 List<EpochRecord> curve, long adamStep, List<float[]> weights,
                                 List<float[]> moments, List<float[]> best) {
    static final String MAGIC = "SIITBL";
    static final int VERSION = 1;

    /** One epoch of the validation curve. */
    public record EpochRecord(int epoch, double loss, double validRecall10, double validNdcg10, double seconds) {
    }

    public void write(Path file, ModelWeights model) {
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
            out.writeUTF(MAGIC);
            out.writeInt(VERSION);
            writeLongString(out, provenance);
            out.writeInt(epoch);
            out.writeInt(bestEpoch);
            out.writeDouble(bestNdcg);
            out.writeInt(badEpochs);
            out.writeInt(curve.size());
            for (EpochRecord r : curve) {
                out.writeInt(r.epoch());
                out.writeDouble(r.loss());
                out.writeDouble(r.validRecall10());
                out.writeDouble(r.validNdcg10());
                out.writeDouble(r.seconds());
            }
            out.writeLong(adamStep);
            ModelWeights.write(out, model.all(), weights);
            writeTensors(out, moments);
            out.writeBoolean(best != null);
            if (best != null) {
                ModelWeights.write(out, model.all(), best);
            }
            out.flush();
        });
    }

    public static TrainingCheckpoint read(Path file, ModelWeights model) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw new InputException(file + " is not a siit baseline checkpoint");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new InputException(file + " has checkpoint version " + version + ", this build reads " + VERSION);
            }
            String provenance = readLongString(in);
            int epoch = in.readInt();
            int bestEpoch = in.readInt();
            double bestNdcg = in.readDouble();
            int bad = in.readInt();
            int n = in.readInt();
            List<EpochRecord> curve = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                curve.add(new EpochRecord(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()));
            }
            long step = in.readLong();
            List<float[]> weights = model.read(in, file.toString());
            List<float[]> moments = readTensors(in);
            List<float[]> best = in.readBoolean() ? model.read(in, file.toString()) : null;
            return new TrainingCheckpoint(provenance, epoch, bestEpoch, bestNdcg, bad, curve, step, weights, moments, best);
        } catch (IOException e) {
            throw new InputException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The optimiser's moments in this file's layout: m and v interleaved, in weight order; zeros
     * for a weight not updated yet (the optimiser creates moments at the first update).
     */
    static List<float[]> moments(AdamW adam, ModelWeights model) {
        List<float[]> out = new ArrayList<>(2 * model.all().size());
        for (Map.Entry<String, NDArray> e : model.all().entrySet()) {
            NDArray[] mv = adam.moments(e.getKey());
            int size = (int) e.getValue().size();
            out.add(mv == null ? new float[size] : mv[0].toFloatArray());
            out.add(mv == null ? new float[size] : mv[1].toFloatArray());
        }
        return out;
    }

    /** Restores {@code adam} from this checkpoint's step count and moments. */
    void restoreOptimizer(AdamW adam, ModelWeights model) {
        Map<String, NDArray> named = model.all();
        if (moments.size() != 2 * named.size()) {
            throw new IllegalArgumentException(moments.size() + " moment tensors for " + named.size() + " weights");
        }
        Map<String, float[][]> mv = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, NDArray> e : named.entrySet()) {
            mv.put(e.getKey(), new float[][] {moments.get(2 * i), moments.get(2 * i + 1)});
            shapes.put(e.getKey(), e.getValue().getShape());
            i++;
        }
        adam.restore(adamStep, mv, shapes);
    }

    private static void writeTensors(DataOutputStream out, List<float[]> tensors) throws IOException {
        out.writeInt(tensors.size());
        for (float[] t : tensors) {
            out.writeInt(t.length);
            for (float x : t) {
                out.writeFloat(x);
            }
        }
    }

    private static List<float[]> readTensors(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] t = new float[in.readInt()];
            for (int k = 0; k < t.length; k++) {
                t[k] = in.readFloat();
            }
            out.add(t);
        }
        return out;
    }

    private static void writeLongString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readLongString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
