package dev.siit.train;

import ai.djl.ndarray.NDManager;
import java.util.Map;

/** Scores the model on held-out data during training; the trainer selects on {@link #SELECTION_METRIC}. */
@FunctionalInterface
public interface Validator {
    String SELECTION_METRIC = "ndcg@10";

    /** Metric name -> value; must contain {@link #SELECTION_METRIC} (or the trainer's {@code selectOn} metric). */
    Map<String, Double> validate(NDManager manager);
}
