package dev.siit.cli;

import picocli.CommandLine.Option;

/**
 * {@code --runs DIR --run NAME}: the trained run a command reads ({@code eval}, {@code recommend}).
 * A picocli mixin, so that the option names, defaults and help text are written once.
 */
final class RunOptions extends RunsFolderOption {
    @Option(names = "--run", required = true, description = "Run name (runs/NAME/).")
    String run;
}
