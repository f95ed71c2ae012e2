package dev.siit.cli;

import dev.siit.io.InputException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/siit}. Exit codes: 0 success, 2 user error (bad option, bad input
 * file), 1 internal error. User errors print one sentence and no stack trace.
 */
@Command(name = "siit", mixinStandardHelpOptions = true, version = "siit 0.1.0",
        description = "Generative recommendation with self-improving item tokenization (SIIT).",
        subcommands = {
                DataCommand.class,
                ScoreCommand.class,
                IndexCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                RecommendCommand.class,
                BenchCommand.class,
                BaselineCommand.class,
                SiitRunCommand.class,
                ExperimentCommand.class,
                QuickstartCommand.class,
                ServeCommand.class,
                LoadtestCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class SiitCli implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_USER = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Inherited by every subcommand, so {@code siit data stats --quiet} works as well. */
    @CommandLine.Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT,
            description = "No progress bars (also when the environment has CI=true).")
    void setQuiet(boolean quiet) {
        dev.siit.io.Progress.setQuiet(quiet || dev.siit.io.Progress.defaultQuiet());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        dev.siit.io.Progress.setQuiet(dev.siit.io.Progress.defaultQuiet());
        dev.siit.run.Provenance.recordCommandLine(args);
        CommandLine cl = new CommandLine(new SiitCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(t -> t instanceof InputException ? EXIT_USER : EXIT_INTERNAL);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            // one line, like every other user error
            c.getErr().println("error: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USER;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            Throwable root = ex;
            if (root instanceof UncheckedIOException && root.getCause() instanceof java.nio.file.NoSuchFileException nf) {
                root = new InputException("no such file: " + nf.getFile());
            }
            if (root instanceof InputException) {
                c.getErr().println("error: " + root.getMessage());
                return EXIT_USER;
            }
            c.getErr().println("internal error: " + root);
            root.printStackTrace(c.getErr());
            return EXIT_INTERNAL;
        });
        return cl.execute(args);
    }
}
