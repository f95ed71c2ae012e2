package dev.siit.cli;

/**
 * Default locations in the shared data folder, as picocli default values. The folder is the
 * system property {@code siit.shared.data}, which {@code bin/siit} sets to the project's
 * {@code ../shared/data} so that the defaults hold from any working directory (and the tests'
 * Maven configuration sets to the same folder); without it, {@code ../shared/data} relative to
 * the working directory, which is right when running from the project root.
 */
final class SharedData {
    static final String FOLDER = "${sys:siit.shared.data:-../shared/data}";
    static final String TOKENIZER = FOLDER + "/t5-tokenizer";
    static final String MOVIELENS_100K = FOLDER + "/ml-100k";

    private SharedData() {
    }
}
