package dev.siit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.siit.io.InputException;
import dev.siit.model.SafeTensors;
import dev.siit.model.Seq2SeqModel;
import dev.siit.model.T5Model;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * T5 checkpoints as Hugging Face {@code model.safetensors} + {@code config.json} (written by
 * {@link T5Model#save}), so a run's folders load with {@code T5Model.load} and other tools.
 * Loading copies the tensors into the live parameter arrays (a resumed trainer keeps its
 * references), failing on any missing, unused or mis-shaped tensor.
 */
public final class SafeTensorsWeights implements WeightsFormat {
    private final Map<String, ?> provenance;

    /** @param provenance stored in every file's metadata (config, data fingerprint, seed, ...) */
    public SafeTensorsWeights(Map<String, ?> provenance) {
        this.provenance = provenance;
    }

    @Override
    public String fileName() {
        return T5Model.WEIGHTS_FILE;
    }

    @Override
    public void save(Seq2SeqModel model, Path file) {
        t5(model).save(file.getParent(), provenance);
    }

    @Override
    public void load(Seq2SeqModel model, Path file) {
        Map<String, Parameter> params = t5(model).parametersByName();
        SafeTensors.Contents c = SafeTensors.read(file);
        Set<String> unused = new HashSet<>(c.tensors().keySet());
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            SafeTensors.Tensor t = c.tensors().get(e.getKey());
            if (t == null) {
                throw new InputException(file + " has no tensor " + e.getKey());
            }
            NDArray a = e.getValue().getArray();
            if (!java.util.Arrays.equals(t.shape(), a.getShape().getShape())) {
                throw new InputException(file + ": tensor " + e.getKey() + " has shape "
                        + java.util.Arrays.toString(t.shape()) + ", the model " + a.getShape());
            }
            float[] v = new float[Math.toIntExact(t.size())];
            t.data().duplicate().get(v);
            a.set(v);
            unused.remove(e.getKey());
        }
        if (!unused.isEmpty()) {
            throw new InputException(file + " has tensors the model does not use: " + unused);
        }
    }

    private static T5Model t5(Seq2SeqModel model) {
        if (model instanceof T5Model t) {
            return t;
        }
        throw new IllegalArgumentException("safetensors checkpoints are written for T5Model, got " + model.getClass());
    }
}
