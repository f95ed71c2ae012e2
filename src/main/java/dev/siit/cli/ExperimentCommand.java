package dev.siit.cli;

import dev.siit.ids.rqvae.TextEmbedder;
import dev.siit.report.ExperimentReport;
import dev.siit.report.Report;
import dev.siit.report.ReportWriter;
import dev.siit.run.Provenance;
import dev.siit.selfimprove.ExperimentConfig;
import dev.siit.selfimprove.ExperimentRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code siit experiment --config FILE}: the grid initializers x {base, +SIIT, variants} x seeds
 * (+ an E_align sweep), each cell a resumable run under {@code DIR/NAME/runs/}, then
 * {@code report.md} and {@code report.html} with plots in {@code DIR/NAME/}.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run an experiment grid (base vs +SIIT over initializers, seeds and options) and write its report.")
public final class ExperimentCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Experiment config (YAML).")
    Path config;

    @Mixin
    LoopOptions.ExperimentDir experiments;

    @Mixin
    LoopOptions.Tokenizer tokenizer;

    @Mixin
    LoopOptions.Similarity similarity;

    @Override
    public void run() {
        ExperimentConfig c = ExperimentConfig.load(config);
        Path report = run(c, experiments.path, tokenizer.path, similarity.noSimilarity, List.of(), spec.commandLine().getOut());
        spec.commandLine().getOut().println("report: " + report.toAbsolutePath().normalize());
    }

    /** Runs the grid, writes the report, prints the main table; returns the report.md path. */
    static Path run(ExperimentConfig c, Path parent, Path tokenizer, boolean noSimilarity, List<String> notes,
                    PrintWriter out) {
        Path expDir = parent.resolve(c.name());
        ExperimentRunner runner = new ExperimentRunner(c, expDir, tokenizer, noSimilarity ? null : TextEmbedder::embed)
                .progress(!dev.siit.io.Progress.isQuiet());
        List<ExperimentRunner.RunResult> results = runner.runAll();
        String command = Provenance.currentCommandLine() == null ? "siit experiment" : Provenance.currentCommandLine();
        Report report = ExperimentReport.build(c, results, List.of(command), notes);
        Path md = ReportWriter.write(expDir, report);
        out.println();
        out.println(ReportWriter.markdownTable(report.tables().get(0)));
        for (String d : ExperimentReport.decisions(results)) {
            out.println(d);
        }
        return md;
    }
}
