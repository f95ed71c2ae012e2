package dev.siit.report;

import java.util.List;

/**
 * Everything {@link ReportWriter} renders: tables, plots, the commands that produced the numbers
 * and the provenance (config, data fingerprint, git commit, seeds).
 *
 * @param title      heading of the report
 * @param commands   the command lines that produced the results, verbatim
 * @param provenance lines such as {@code data fingerprint: ...}, {@code git commit: ...}
 * @param notes      paragraphs printed before the tables (e.g. "reduced configuration")
 * @param tables     in order
 * @param plots      in order
 */
public record Report(String title, List<String> commands, List<String> provenance, List<String> notes,
                     List<ResultTable> tables, List<Plot> plots) {
    public Report {
        commands = List.copyOf(commands);
        provenance = List.copyOf(provenance);
        notes = List.copyOf(notes);
        tables = List.copyOf(tables);
        plots = List.copyOf(plots);
    }
}
