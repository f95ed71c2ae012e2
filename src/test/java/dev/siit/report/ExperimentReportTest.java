package dev.siit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.selfimprove.ExperimentConfig;
import dev.siit.selfimprove.ExperimentRunner.RunResult;
import dev.siit.selfimprove.SelfImprovingLoop;
import dev.siit.selfimprove.SelfImprovingLoop.IterationSummary;
import dev.siit.selfimprove.SelfImprovingLoop.StageValidation;
import dev.siit.selfimprove.SiitConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The experiment report from hand-made run outcomes (no training). */
class ExperimentReportTest {

    static final double[] BASE_NDCG = {0.10, 0.12, 0.11};
    static final double[] SIIT_NDCG = {0.13, 0.15, 0.14};
    static final double[] GREEDY_COLLISION = {0.20, 0.25, 0.30};

    private static IterationSummary summary(int i, double collision, double adjustment, double similarity) {
        boolean accepted = collision <= 0.2; // the guard's default
        return new IterationSummary(1, i, i > 0, 4, 2, collision, 0, -1.0, 1.0, adjustment, adjustment, 1, 0, 0,
                similarity, 0.5, accepted, accepted ? "accepted" : "iteration " + i + " rejected: " + collision, 1,
                Double.NaN);
    }

    private static RunResult result(ExperimentConfig.Run run, int seedIndex) {
        boolean base = run.method().equals("base");
        double ndcg = base ? BASE_NDCG[seedIndex] : SIIT_NDCG[seedIndex];
        double collision = run.method().equals("greedy") ? GREEDY_COLLISION[seedIndex] : 0.02;
        double adjustment = run.method().equals("siit-align1") ? 0.6 : 0.2;
        Map<String, Double> test = Map.of("recall@5", ndcg + 0.05, "recall@10", ndcg + 0.1, "ndcg@5", ndcg - 0.01,
                "ndcg@10", ndcg, "coverage@10", 0.5, "groundTruthCoverage", 0.4);
        List<IterationSummary> s = List.of(summary(0, 0, 0, 0.30), summary(1, collision, adjustment, 0.35));
        List<StageValidation> v = List.of(new StageValidation(1, 0, 1, List.of(2), List.of(0.05), Map.of("ndcg@10", 0.05)),
                new StageValidation(1, 1, 3, List.of(3), List.of(0.06), Map.of("ndcg@10", 0.06)));
        // per-user NDCG@10: the base gives every user 0.1; every +SIIT arm gives users 1 and 3 0.3
        double[] perUser = base ? new double[] {0.1, 0.1, 0.1, 0.1} : new double[] {0.1, 0.3, 0.1, 0.3};
        return new RunResult(run, new SelfImprovingLoop.Outcome(1, 1, test, v, s), Map.of("ndcg@10", perUser));
    }

    @Test
    void tablesFromRunOutcomes() {
        ExperimentConfig config = new ExperimentConfig("unit", SiitConfig.defaults().with(Map.of("iterations", 1), "t"),
                List.of("cid"), List.of(1L, 2L, 3L),
                List.of(new ExperimentConfig.Variant("greedy", Map.of("regeneration_decoding", "greedy"))), List.of(1));
        List<RunResult> results = new ArrayList<>();
        for (ExperimentConfig.Run r : config.runs()) {
            results.add(result(r, config.seeds().indexOf(r.seed())));
        }
        Report report = ExperimentReport.build(config, results, List.of("siit experiment --config unit.yaml"), List.of());
        String md = ReportWriter.markdown(report);
        // base: N@10 0.10, 0.12, 0.11 -> 0.1100 ± 0.0100; R@10 = N@10 + 0.1
        assertTrue(md.contains("| CID | 3 | 0.1600 ± 0.0100 | 0.2100 ± 0.0100 | 0.1000 ± 0.0100 | 0.1100 ± 0.0100 | — |"), md);
        // per-user differences (0, 0.2, 0, 0.2): t = sqrt(3), 3 df, two-sided p = 0.1817 (by hand, t CDF for 3 df)
        assertTrue(md.contains("| CID+SIIT | 3 | 0.1900 ± 0.0100 | 0.2400 ± 0.0100 | 0.1300 ± 0.0100 | 0.1400 ± 0.0100 | "
                + "vs CID: 0.1817 (not significant) |"), md);
        assertTrue(md.contains("| CID+SIIT (greedy) | 3 |"), md);
        // ablation: greedy's collision rate 20/25/30% -> 25.00% ± 5.00%; identical per-user values -> no test
        assertTrue(md.contains("| CID | Greedy+CA | 3 | 25.00% ± 5.00% | 0.2400 ± 0.0100 | 0.1400 ± 0.0100 |"), md);
        assertTrue(md.contains("| CID | Beam+CA (SIIT) | 3 | 2.00% ± 0.00% |"), md);
        assertTrue(md.contains("| Original (T0) | 0.3000 ± 0.0000 |"), md);
        assertTrue(md.contains("| Refined (chosen T_n) | 0.3500 ± 0.0000 |"), md);
        assertTrue(md.contains("| CID+SIIT | 3 | 0.5000 ± 0.0000 | 0.4000 ± 0.0000 |"), md);
        // the iterations table and the guard's notes: greedy seeds 2 and 3 (25%, 30% collisions) were rejected
        assertTrue(md.contains("| cid-siit-seed1 | 1 | 1 | — | 50.00% | 2.00% | 20.00% | accepted |"), md);
        assertTrue(md.contains("| cid-greedy-seed1 | 1 | 1 | — | 50.00% | 20.00% | 20.00% | accepted |"), md);
        assertTrue(md.contains("| cid-greedy-seed3 | 1 | 1 | — | 50.00% | 30.00% | 20.00% | REJECTED |"), md);
        assertTrue(md.contains("cid-greedy-seed2: iteration 1 rejected: 0.25. SIIT changed nothing in this run"), md);
        assertTrue(!md.contains("cid-greedy-seed1: iteration"), md);
        List<String> stems = report.plots().stream().map(Plot::stem).toList();
        assertEquals(List.of("adjustment-ratio", "align-sweep-metrics", "validation-cid"), stems);
        // sweep points: E_align 1 -> ratio 0.6, E_align 5 (the +SIIT run) -> 0.2
        Plot.Series ratio = report.plots().get(0).series().get(0);
        assertEquals(List.of(1.0, 5.0), java.util.Arrays.stream(ratio.x()).boxed().toList());
        assertEquals(0.6, ratio.y()[0], 1e-12);
        assertEquals(0.2, ratio.y()[1], 1e-12);
    }
}
