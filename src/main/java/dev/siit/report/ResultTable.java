package dev.siit.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A table of the report: a header and rows of cells (see {@link Cell} for how values over seeds
 * and p-values print).
 *
 * @param title   section heading
 * @param caption what was measured and how (printed under the table)
 * @param header  column names
 * @param rows    each row has {@code header.size()} cells
 */
public record ResultTable(String title, String caption, List<String> header, List<List<Cell>> rows) {

    /** The metrics of the paper's Table 2 and their column names. */
    public static final List<String> TABLE2_METRICS = List.of("recall@5", "recall@10", "ndcg@5", "ndcg@10");
    public static final List<String> TABLE2_LABELS = List.of("R@5", "R@10", "N@5", "N@10");

    public ResultTable {
        header = List.copyOf(header);
        List<List<Cell>> copy = new ArrayList<>();
        for (List<Cell> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("table '" + title + "': a row has " + row.size() + " cells for "
                        + header.size() + " columns");
            }
            copy.add(List.copyOf(row));
        }
        rows = List.copyOf(copy);
    }

    /**
     * One method's results over seeds.
     *
     * @param method   row label, e.g. {@code CID+SIIT}
     * @param perSeed  metric -> value of every seed (same seed order for every method)
     * @param pValue   paired test against {@code versus} on {@code pMetric}; NaN for a baseline
     * @param versus   the row it was compared with ("" for none)
     */
    public record MethodResult(String method, Map<String, double[]> perSeed, double pValue, String versus) {
    }

    /**
     * The paper's Table 2: R@5, R@10, N@5, N@10 per method (mean ± std over seeds), and the
     * p-value of the paired test of each +SIIT row against its baseline on {@code pMetric}.
     */
    public static ResultTable table2(String title, List<MethodResult> methods, String pMetric, String caption) {
        List<String> header = new ArrayList<>();
        header.add("Method");
        header.add("Seeds");
        header.addAll(TABLE2_LABELS);
        header.add("p (" + label(pMetric) + ", paired)");
        List<List<Cell>> rows = new ArrayList<>();
        for (MethodResult m : methods) {
            List<Cell> row = new ArrayList<>();
            row.add(Cell.text(m.method()));
            int seeds = m.perSeed().isEmpty() ? 0 : m.perSeed().values().iterator().next().length;
            row.add(Cell.text(Integer.toString(seeds)));
            for (String metric : TABLE2_METRICS) {
                double[] v = m.perSeed().get(metric);
                row.add(v == null ? Cell.text("n/a") : Cell.values(v));
            }
            String versus = m.versus().isEmpty() ? "" : "vs " + m.versus() + ": ";
            row.add(Double.isNaN(m.pValue()) ? Cell.p(Double.NaN) : Cell.text(versus + Cell.p(m.pValue()).text()));
            rows.add(row);
        }
        return new ResultTable(title, caption, header, rows);
    }

    /** {@code recall@10} -> {@code R@10}, {@code ndcg@10} -> {@code N@10}, others unchanged. */
    public static String label(String metric) {
        int i = TABLE2_METRICS.indexOf(metric);
        return i >= 0 ? TABLE2_LABELS.get(i) : metric;
    }

    /**
     * One row of the ablation table (paper, Table 3) or of the assignment-strategy comparison.
     *
     * @param initializer    T0 method
     * @param strategy       e.g. {@code Greedy}, {@code Beam+CA (paper)}, {@code optimal}
     * @param collisionRate  collision rate before collision avoidance in iteration 1, per seed
     * @param recall10       test Recall@10 per seed
     * @param ndcg10         test NDCG@10 per seed
     * @param pValue         paired test on NDCG@10 against {@code versus}; NaN for the reference row
     * @param versus         the reference row's strategy ("" for none)
     */
    public record AblationResult(String initializer, String strategy, double[] collisionRate, double[] recall10,
                                 double[] ndcg10, double pValue, String versus) {
    }

    /** The paper's Table 3 layout: Init., Strategy, Collision Rate, R@10, N@10, plus the paired test. */
    public static ResultTable ablation(String title, List<AblationResult> results, String caption) {
        List<String> header = List.of("Init.", "Strategy", "Seeds", "Collision rate", "R@10", "N@10", "p (N@10, paired)");
        List<List<Cell>> rows = new ArrayList<>();
        for (AblationResult a : results) {
            String versus = a.versus().isEmpty() ? "" : "vs " + a.versus() + ": ";
            rows.add(List.of(Cell.text(a.initializer()), Cell.text(a.strategy()),
                    Cell.text(Integer.toString(a.ndcg10().length)), Cell.percent(a.collisionRate()),
                    Cell.values(a.recall10()), Cell.values(a.ndcg10()),
                    Double.isNaN(a.pValue()) ? Cell.p(Double.NaN) : Cell.text(versus + Cell.p(a.pValue()).text())));
        }
        return new ResultTable(title, caption, header, rows);
    }

    /**
     * The paper's Table 4 layout: one column per initializer, one row per tokenization
     * ({@code Original (T0)}, {@code Refined (T1)}, ...), semantic identifier similarity per seed.
     *
     * @param values row label -> initializer -> value per seed (missing = "n/a")
     */
    public static ResultTable similarity(String title, List<String> initializers,
                                         Map<String, Map<String, double[]>> values, String caption) {
        List<String> header = new ArrayList<>();
        header.add("Identifiers");
        header.addAll(initializers);
        List<List<Cell>> rows = new ArrayList<>();
        for (Map.Entry<String, Map<String, double[]>> e : values.entrySet()) {
            List<Cell> row = new ArrayList<>();
            row.add(Cell.text(e.getKey()));
            for (String init : initializers) {
                double[] v = e.getValue().get(init);
                row.add(v == null ? Cell.text("n/a") : Cell.values(v));
            }
            rows.add(row);
        }
        return new ResultTable(title, caption, header, rows);
    }
}
