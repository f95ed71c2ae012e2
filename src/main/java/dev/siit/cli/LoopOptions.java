package dev.siit.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options the commands running the SIIT loop share ({@code siit}, {@code experiment},
 * {@code quickstart}), as picocli mixins: each is written once, and each command mixes in the
 * ones it has.
 */
final class LoopOptions {
    private LoopOptions() {
    }

    /** {@code --tokenizer PATH} (siit, experiment, quickstart). */
    static final class Tokenizer {
        @Option(names = "--tokenizer", paramLabel = "PATH", defaultValue = SharedData.TOKENIZER,
                description = "T5 tokenizer.json or its folder (default: ${DEFAULT-VALUE}).")
        Path path;
    }

    /** {@code --dir DIR}, the parent of experiment folders (experiment, quickstart). */
    static final class ExperimentDir {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "experiments",
                description = "Parent of experiment folders (default: ${DEFAULT-VALUE}).")
        Path path;
    }

    /** {@code --no-similarity} (siit, experiment). */
    static final class Similarity {
        @Option(names = "--no-similarity", description = "Skip the semantic identifier similarity (no MiniLM embeddings).")
        boolean noSimilarity;
    }
}
