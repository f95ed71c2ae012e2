package dev.siit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @TempDir
    Path dir;

    private static Map<String, double[]> metrics(double[] r5, double[] r10, double[] n5, double[] n10) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("recall@5", r5);
        m.put("recall@10", r10);
        m.put("ndcg@5", n5);
        m.put("ndcg@10", n10);
        return m;
    }

    private static Report tinyReport() {
        double[] a = {0.10, 0.12, 0.11};      // mean 0.11, sample std 0.01
        double[] b = {0.05, 0.05, 0.05};      // std 0
        ResultTable t2 = ResultTable.table2("Overall performance", List.of(
                new ResultTable.MethodResult("CID", metrics(a, a, b, b), Double.NaN, ""),
                new ResultTable.MethodResult("CID+SIIT", metrics(b, a, a, new double[] {0.2, 0.3, 0.4}), 0.012, "CID"),
                new ResultTable.MethodResult("TIGER<x>", metrics(a, a, a, a), 0.31, "TIGER")),
                "ndcg@10", "3 seeds; paired test over per-user NDCG@10.");
        ResultTable t3 = ResultTable.ablation("Ablation", List.of(
                new ResultTable.AblationResult("CID", "Beam+CA (paper)", new double[] {0, 0, 0}, a, b, Double.NaN, ""),
                new ResultTable.AblationResult("CID", "Beam", new double[] {0.0273, 0.0275, 0.0271}, b, b, 0.5, "Beam+CA")),
                "collision rate before collision avoidance, iteration 1");
        Map<String, Map<String, double[]>> sim = new LinkedHashMap<>();
        sim.put("Original (T0)", Map.of("CID", new double[] {0.3734}));
        sim.put("Refined (T2)", Map.of("CID", new double[] {0.3863}, "TIGER", new double[] {0.38, 0.40}));
        ResultTable t4 = ResultTable.similarity("Semantic identifier similarity", List.of("CID", "TIGER"), sim, "");
        TreeMap<Integer, double[]> ratio = new TreeMap<>(Map.of(1, new double[] {0.6, 0.4}, 5, new double[] {0.2}, 10, new double[] {0.15}));
        Plot sweep = Plot.sweep("adjustment-ratio", "Identifier adjustment ratio", "adjustment ratio", Map.of("CID", ratio));
        Map<String, double[][]> curve = new LinkedHashMap<>();
        curve.put("warm-up", new double[][] {{5, 10, 15, 20}, {0.01, 0.03, 0.04, 0.045}});
        curve.put("iteration 1", new double[][] {{25, 30}, {0.047, 0.05}});
        Plot valid = Plot.validationCurve("validation-ndcg", "Validation NDCG@10", curve);
        return new Report("SIIT on tiny", List.of("bin/siit experiment --config configs/tiny.yaml"),
                List.of("data fingerprint: abc123", "git commit: 0000000"), List.of("Reduced configuration."),
                List.of(t2, t3, t4), List.of(sweep, valid));
    }

    @Test
    void tablesShowMeanStdAndSignificance() {
        String md = ReportWriter.markdown(tinyReport());
        assertTrue(md.contains("| Method | Seeds | R@5 | R@10 | N@5 | N@10 | p (N@10, paired) |"), md);
        assertTrue(md.contains("| CID | 3 | 0.1100 ± 0.0100 | 0.1100 ± 0.0100 | 0.0500 ± 0.0000 | 0.0500 ± 0.0000 | — |"), md);
        // N@10 of CID+SIIT: mean 0.3, sample std 0.1
        assertTrue(md.contains("| CID+SIIT | 3 | 0.0500 ± 0.0000 | 0.1100 ± 0.0100 | 0.1100 ± 0.0100 | 0.3000 ± 0.1000 | vs CID: 0.0120 |"), md);
        assertTrue(md.contains("vs TIGER: 0.3100 (not significant) |"), md);
        assertTrue(md.contains("| CID | Beam | 3 | 2.73% ± 0.02% | 0.0500 ± 0.0000 | 0.0500 ± 0.0000 | vs Beam+CA: 0.5000 (not significant) |"), md);
        assertTrue(md.contains("| Original (T0) | 0.3734 (1 seed) | n/a |"), md);
        assertTrue(md.contains("| Refined (T2) | 0.3863 (1 seed) | 0.3900 ± 0.0141 |"), md);
        assertTrue(md.contains("bin/siit experiment --config configs/tiny.yaml"));
        assertTrue(md.contains("![Identifier adjustment ratio](plots/adjustment-ratio.png)"));
        assertTrue(md.contains("- data fingerprint: abc123"));
    }

    @Test
    void writesMarkdownHtmlAndPlots() throws IOException {
        Path md = ReportWriter.write(dir, tinyReport());
        assertEquals(dir.resolve("report.md"), md);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<td>TIGER&lt;x&gt;</td>"), "escaped method name");
        assertTrue(html.contains("<td>vs CID: 0.0120</td>"));
        assertTrue(html.contains("<img src=\"plots/validation-ndcg.svg\""));
        for (String stem : List.of("adjustment-ratio", "validation-ndcg")) {
            byte[] png = Files.readAllBytes(dir.resolve("plots/" + stem + ".png"));
            assertEquals((byte) 0x89, png[0]);
            assertEquals('P', png[1]);
            assertEquals('N', png[2]);
            assertEquals('G', png[3]);
            String svg = Files.readString(dir.resolve("plots/" + stem + ".svg"));
            assertTrue(svg.contains("<svg"), stem);
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
    }

    @Test
    void pValueFormatting() {
        assertEquals("0.0499", new Cell.PValue(0.0499).text());
        assertEquals("0.0500 (not significant)", new Cell.PValue(0.05).text());
        assertEquals("< 0.0001", new Cell.PValue(1e-9).text());
        assertEquals("—", new Cell.PValue(Double.NaN).text());
    }

    @Test
    void rowsMustMatchTheHeader() {
        assertThrows(IllegalArgumentException.class, () -> new ResultTable("t", "", List.of("a", "b"),
                List.of(List.of(new Cell.Text("x")))));
    }
}
