package dev.siit.cli;

import dev.siit.io.InputException;
import dev.siit.model.TokenNormalisation;
import picocli.CommandLine.Option;

/**
 * {@code --normalisation full|constrained}: over which tokens beam search normalises its scores
 * ({@code eval}, {@code bench}). A picocli mixin.
 */
class NormalisationOption {
    @Option(names = "--normalisation", defaultValue = "full", description = "full: log-probabilities over the whole "
            + "vocabulary (the paper's ranking); constrained: renormalised over EOS and the item tokens, faster, an "
            + "approximation (default: ${DEFAULT-VALUE}).")
    String name;

    /** The parsed value; bad input names the option. */
    TokenNormalisation value() {
        try {
            return TokenNormalisation.parse(name);
        } catch (IllegalArgumentException e) {
            throw new InputException("--normalisation: " + e.getMessage());
        }
    }
}
