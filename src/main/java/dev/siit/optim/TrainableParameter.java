package dev.siit.optim;

import ai.djl.ndarray.NDArray;

/**
 * A named weight and its gradient for one step. {@code gradient} is a view owned by the step's
 * memory scope; {@code weight} is the live parameter array updated in place.
 */
public record TrainableParameter(String name, NDArray weight, NDArray gradient) {
}
