package dev.siit.cli;

import picocli.CommandLine.Command;

/** {@code siit data ...}: dataset inspection. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect datasets.",
        subcommands = {DataStatsCommand.class})
public final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
