package dev.siit.report;

import dev.siit.eval.PairedComparison;
import dev.siit.selfimprove.ExperimentConfig;
import dev.siit.selfimprove.ExperimentRunner.RunResult;
import dev.siit.selfimprove.SelfImprovingLoop;
import dev.siit.selfimprove.SiitConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns the finished runs of an experiment into the {@link Report}: the Table-2 comparison of
 * base vs +SIIT per initializer, the ablation / assignment-strategy table (Table 3), the semantic
 * identifier similarity (Table 4), coverage (Appendix C), the E_align sweep (Figure 2) and the
 * validation curves.
 *
 * <p>Significance: per-user test metrics are averaged over the seeds of each arm, then a paired
 * t-test over users compares the arm with its reference ({@link PairedComparison}); p >= 0.05
 * prints "not significant". Fewer than 3 seeds are flagged: such a gain is not reported as an
 * improvement.
 */
public final class ExperimentReport {
    public static final String P_METRIC = "ndcg@10";
    static final int RESAMPLES = 2000;

    private ExperimentReport() {
    }

    public static Report build(ExperimentConfig config, List<RunResult> results, List<String> commands,
                               List<String> notes) {
        Map<String, Map<String, List<RunResult>>> byInit = new LinkedHashMap<>(); // init -> method -> seeds
        for (RunResult r : results) {
            byInit.computeIfAbsent(r.run().initializer(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.run().method(), k -> new ArrayList<>()).add(r);
        }
        List<ResultTable> tables = new ArrayList<>();
        List<ResultTable.MethodResult> main = new ArrayList<>();
        List<ResultTable.AblationResult> ablation = new ArrayList<>();
        List<List<Cell>> coverage = new ArrayList<>();
        Map<String, Map<String, double[]>> similarity = new LinkedHashMap<>();
        List<String> initLabels = new ArrayList<>();
        Map<String, SortedMap<Integer, double[]>> ratioSweep = new LinkedHashMap<>();
        Map<String, SortedMap<Integer, double[]>> metricSweep = new LinkedHashMap<>();
        List<Plot> plots = new ArrayList<>();

        for (var e : byInit.entrySet()) {
            String init = e.getKey().toUpperCase(Locale.ROOT);
            initLabels.add(init);
            Map<String, List<RunResult>> methods = e.getValue();
            List<RunResult> base = methods.get(ExperimentConfig.BASE);
            List<RunResult> siit = methods.get(ExperimentConfig.SIIT);
            for (var m : methods.entrySet()) {
                if (m.getKey().startsWith("siit-align")) {
                    continue;
                }
                boolean isBase = m.getKey().equals(ExperimentConfig.BASE);
                String label = isBase ? init : m.getKey().equals(ExperimentConfig.SIIT) ? init + "+SIIT"
                        : init + "+SIIT (" + m.getKey() + ")";
                double p = isBase || base == null ? Double.NaN : pValue(m.getValue(), base);
                main.add(new ResultTable.MethodResult(label, testMetrics(m.getValue(), ResultTable.TABLE2_METRICS), p,
                        isBase ? "" : init));
                coverage.add(List.of(Cell.text(label), Cell.text(Integer.toString(m.getValue().size())),
                        Cell.values(test(m.getValue(), "coverage@10")), Cell.values(test(m.getValue(), "groundTruthCoverage"))));
                if (!isBase) {
                    boolean ours = m.getKey().equals(ExperimentConfig.SIIT);
                    ablation.add(new ResultTable.AblationResult(init, strategy(m.getValue().get(0).run().config()) + (ours ? " (SIIT)" : ""),
                            summaryValues(m.getValue(), 1, "collision"), test(m.getValue(), "recall@10"),
                            test(m.getValue(), "ndcg@10"), ours || siit == null ? Double.NaN : pValue(m.getValue(), siit),
                            ours ? "" : strategy(siit.get(0).run().config())));
                }
            }
            if (siit != null) {
                similarity.computeIfAbsent("Original (T0)", k -> new LinkedHashMap<>()).put(init, summaryValues(siit, 0, "similarity"));
                similarity.computeIfAbsent("Refined (chosen T_n)", k -> new LinkedHashMap<>()).put(init, chosenSimilarity(siit));
                // Figure 2 sweep: the plain +SIIT run is the point at its own align_epochs
                SortedMap<Integer, double[]> ratio = new TreeMap<>();
                SortedMap<Integer, double[]> r10 = new TreeMap<>();
                SortedMap<Integer, double[]> n10 = new TreeMap<>();
                for (var m : methods.entrySet()) {
                    if (m.getKey().equals(ExperimentConfig.SIIT) || m.getKey().startsWith("siit-align")) {
                        int ea = m.getValue().get(0).run().config().alignEpochs();
                        ratio.put(ea, summaryValues(m.getValue(), 1, "adjustment"));
                        r10.put(ea, test(m.getValue(), "recall@10"));
                        n10.put(ea, test(m.getValue(), "ndcg@10"));
                    }
                }
                if (ratio.size() > 1) {
                    ratioSweep.put(init, ratio);
                    metricSweep.put(init + " R@10", r10);
                    metricSweep.put(init + " N@10", n10);
                }
                SelfImprovingLoop.Outcome first = siit.get(0).outcome();
                Map<String, double[][]> curve = new LinkedHashMap<>();
                for (SelfImprovingLoop.StageValidation v : first.validation()) {
                    if (v.epochs().isEmpty()) {
                        continue;
                    }
                    double[] x = v.epochs().stream().mapToDouble(Integer::doubleValue).toArray();
                    double[] y = v.ndcg10().stream().mapToDouble(Double::doubleValue).toArray();
                    curve.put(v.iteration() == 0 ? "warm-up" : "iteration " + v.iteration(), new double[][] {x, y});
                }
                if (!curve.isEmpty()) {
                    plots.add(Plot.validationCurve("validation-" + e.getKey(), "Validation NDCG@10 over training, " + init
                            + "+SIIT (seed " + siit.get(0).run().seed() + ")", curve));
                }
            }
        }
        int minSeeds = config.seeds().size();
        String seedNote = minSeeds < 3 ? " Only " + minSeeds + " seed(s): differences are NOT reported as improvements "
                + "(at least 3 seeds are needed)." : "";
        tables.add(ResultTable.table2("Overall performance (test, full ranking)", main, P_METRIC,
                "Mean ± sample standard deviation over seeds. p: paired t-test over users of per-user NDCG@10 "
                        + "(averaged over seeds) against the same initializer without SIIT; p >= 0.05 is not significant."
                        + seedNote));
        if (!ablation.isEmpty()) {
            tables.add(ResultTable.ablation("Ablation: decoding, collision avoidance, assignment strategy", ablation,
                    "Collision rate: share of items sharing their regenerated identifier before collision avoidance, "
                            + "iteration 1. p: paired t-test of per-user NDCG@10 against the SIIT row."));
        }
        if (!similarity.isEmpty()) {
            tables.add(ResultTable.similarity("Semantic identifier similarity", initLabels, similarity,
                    "Mean shared identifier tokens over item pairs, weighted by max(0, cosine similarity) of the "
                            + "MiniLM title embeddings; the collision level is not counted."));
        }
        tables.add(new ResultTable("Coverage (Appendix C)", "Share of items in some user's top-10; ground truth: share "
                + "of items that are some user's test target.", List.of("Method", "Seeds", "Coverage@10", "Coverage@GT"),
                coverage));
        if (!ratioSweep.isEmpty()) {
            plots.add(0, Plot.sweep("adjustment-ratio", "Identifier adjustment ratio vs alignment epochs (iteration 1)",
                    "adjustment ratio", ratioSweep));
            plots.add(1, Plot.sweep("align-sweep-metrics", "Test Recall@10 and NDCG@10 vs alignment epochs",
                    "test metric", metricSweep));
        }
        List<List<Cell>> iterationRows = iterationRows(results);
        if (!iterationRows.isEmpty()) {
            tables.add(new ResultTable("SIIT iterations: alignment, regeneration and the acceptance decision",
                    "Self-recall: share of titled items whose Item-to-Identifier decoding returns their current "
                            + "identifier (greedy at the end of alignment when alignment runs to a target; beam top-1 at "
                            + "regeneration). Collision rate: before collision avoidance. A rejected iteration keeps "
                            + "T_i = T(i-1) and still trains the recommender with it.",
                    List.of("Run", "Iteration", "Align epochs", "Self-recall (greedy, alignment)",
                            "Self-recall (beam top-1)", "Collision rate", "Adjustment ratio", "Decision"), iterationRows));
        }
        List<String> allNotes = new ArrayList<>(notes);
        allNotes.addAll(decisions(results));
        List<String> provenance = new ArrayList<>();
        provenance.add("experiment: " + config.name() + ", initializers " + config.initializers() + ", seeds " + config.seeds());
        provenance.add("each run's config.json and provenance.json (git commit, data fingerprint, library versions) are in runs/ID/");
        return new Report("SIIT experiment " + config.name(), commands, provenance, allNotes, tables, plots);
    }

    /**
     * One sentence per refining run that had a rejected iteration: which iterations the guard
     * rejected and why, which identifiers the tested model used, and, when every iteration was
     * rejected, that SIIT changed nothing in that run.
     */
    public static List<String> decisions(List<RunResult> results) {
        List<String> out = new ArrayList<>();
        for (RunResult r : results) {
            if (!r.run().config().refine()) {
                continue;
            }
            List<SelfImprovingLoop.IterationSummary> its = r.outcome().iterations();
            List<String> rejected = new ArrayList<>();
            for (SelfImprovingLoop.IterationSummary x : its) {
                if (x.iteration() > 0 && !x.accepted()) {
                    rejected.add(x.decision());
                }
            }
            if (rejected.isEmpty()) {
                continue;
            }
            int chosen = r.outcome().chosenIteration();
            int source = identifiersOf(its, chosen);
            StringBuilder b = new StringBuilder(r.run().id() + ": " + String.join("; ", rejected) + ".");
            if (rejected.size() == its.size() - 1) {
                b.append(" SIIT changed nothing in this run: every iteration was rejected, so the tested model (iteration ")
                        .append(chosen).append(") used T0 and had the baseline's training schedule; its difference "
                                + "from the baseline is not an effect of SIIT.");
            } else {
                b.append(" The tested model (iteration ").append(chosen).append(") used the identifiers of iteration ")
                        .append(source).append('.');
            }
            out.add(b.toString());
        }
        return out;
    }

    /** The iteration whose regenerated identifiers T_chosen is: the last accepted one up to it (0 = T0). */
    public static int identifiersOf(List<SelfImprovingLoop.IterationSummary> iterations, int chosen) {
        int source = 0;
        for (SelfImprovingLoop.IterationSummary x : iterations) {
            if (x.iteration() > 0 && x.iteration() <= chosen && x.accepted()) {
                source = x.iteration();
            }
        }
        return source;
    }

    private static List<List<Cell>> iterationRows(List<RunResult> results) {
        List<List<Cell>> rows = new ArrayList<>();
        for (RunResult r : results) {
            if (!r.run().config().refine()) {
                continue;
            }
            for (SelfImprovingLoop.IterationSummary x : r.outcome().iterations()) {
                if (x.iteration() == 0) {
                    continue;
                }
                rows.add(List.of(Cell.text(r.run().id()), Cell.text(Integer.toString(x.iteration())),
                        Cell.text(Integer.toString(x.alignEpochs())), Cell.text(percentOrDash(x.alignSelfRecall())),
                        Cell.text(percentOrDash(x.selfRecall())), Cell.text(percentOrDash(x.collisionRate())),
                        Cell.text(percentOrDash(x.adjustmentRatio())), Cell.text(x.accepted() ? "accepted" : "REJECTED")));
            }
        }
        return rows;
    }

    private static String percentOrDash(double share) {
        return Double.isNaN(share) ? "—" : String.format(Locale.ROOT, "%.2f%%", 100 * share);
    }

    /** The ablation label: Greedy / Beam, +CA, and the assignment strategy when not the paper's. */
    public static String strategy(SiitConfig c) {
        String s = "greedy".equals(c.regenerationDecoding()) ? "Greedy" : "Beam";
        if (c.collisionAvoidance()) {
            s += "+CA";
        }
        if (!"paper".equals(c.assignment()) && !"greedy".equals(c.regenerationDecoding())) {
            s += ", " + c.assignment();
        }
        return s;
    }

    private static Map<String, double[]> testMetrics(List<RunResult> runs, List<String> metrics) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (String metric : metrics) {
            m.put(metric, test(runs, metric));
        }
        return m;
    }

    private static double[] test(List<RunResult> runs, String metric) {
        return runs.stream().mapToDouble(r -> r.outcome().test().getOrDefault(metric, Double.NaN)).toArray();
    }

    private static double[] summaryValues(List<RunResult> runs, int iteration, String what) {
        return runs.stream().mapToDouble(r -> {
            List<SelfImprovingLoop.IterationSummary> s = r.outcome().iterations();
            if (iteration >= s.size()) {
                return Double.NaN;
            }
            SelfImprovingLoop.IterationSummary x = s.get(iteration);
            return switch (what) {
                case "collision" -> x.collisionRate();
                case "adjustment" -> x.adjustmentRatio();
                default -> x.semanticSimilarity();
            };
        }).toArray();
    }

    /** Similarity of the identifiers the tested model used (a rejected proposal's value is not it). */
    private static double[] chosenSimilarity(List<RunResult> runs) {
        return runs.stream().mapToDouble(r -> r.outcome().iterations().get(identifiersOf(r.outcome().iterations(),
                r.outcome().chosenIteration())).semanticSimilarity()).toArray();
    }

    /** Paired t-test over users on per-user NDCG@10, each arm averaged over its seeds. */
    static double pValue(List<RunResult> a, List<RunResult> b) {
        double[] ma = meanPerUser(a);
        double[] mb = meanPerUser(b);
        if (ma.length != mb.length || ma.length < 2) {
            return Double.NaN;
        }
        return PairedComparison.of(P_METRIC, ma, mb, RESAMPLES, 1).tTest().pValue();
    }

    private static double[] meanPerUser(List<RunResult> runs) {
        double[] sum = null;
        for (RunResult r : runs) {
            double[] v = r.testPerUser().get(P_METRIC);
            if (sum == null) {
                sum = new double[v.length];
            }
            for (int u = 0; u < v.length; u++) {
                sum[u] += v[u] / runs.size();
            }
        }
        return sum == null ? new double[0] : sum;
    }
}
