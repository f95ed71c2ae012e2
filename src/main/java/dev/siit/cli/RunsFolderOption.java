package dev.siit.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --runs DIR}: the folder holding the runs of {@code siit train} ({@code train}, and with
 * {@link RunOptions} {@code eval} and {@code recommend}). A picocli mixin.
 */
class RunsFolderOption {
    @Option(names = "--runs", defaultValue = "runs", description = "Folder holding the runs (default: ${DEFAULT-VALUE}).")
    Path runsRoot;
}
