package dev.siit.train;

import dev.siit.model.Seq2SeqModel;
import java.nio.file.Path;

/**
 * How a checkpoint stores model weights: {@link ParameterFile} works for any DJL block; the T5
 * model uses Hugging Face safetensors so runs can be read by other tools.
 */
public interface WeightsFormat {
    /** File name inside a checkpoint folder, e.g. {@code model.safetensors}. */
    String fileName();

    /** Writes every parameter of the model to {@code file} (atomically). */
    void save(Seq2SeqModel model, Path file);

    /** Overwrites every parameter of the model, in place, from {@code file}. */
    void load(Seq2SeqModel model, Path file);
}
