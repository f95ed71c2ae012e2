package dev.siit.train;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Produces the training examples of one epoch for one task: sequential recommendation here,
 * the SIIT alignment tasks elsewhere. Random choices (templates) come from {@code rng}, which the
 * trainer derives from the seed and the epoch, so an epoch can be replayed after a resume.
 */
public interface ExampleSource {
    /** Examples of this epoch; the trainer shuffles them. Their number must not depend on the epoch. */
    List<Seq2SeqExample> examples(int epoch, SplittableRandom rng);

    /** Number of examples per epoch (for the learning-rate schedule). */
    int size();
}
