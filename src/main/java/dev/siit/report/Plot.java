package dev.siit.report;

import java.util.List;

/**
 * A line plot of the report, rendered as {@code plots/<stem>.png} and {@code plots/<stem>.svg}.
 *
 * @param stem   file name without extension ([a-z0-9-])
 * @param title  chart title
 * @param xLabel x axis
 * @param yLabel y axis
 * @param series one line each
 */
public record Plot(String stem, String title, String xLabel, String yLabel, List<Series> series) {

    /** One line: y[k] at x[k]. */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x.length != y.length || x.length == 0) {
                throw new IllegalArgumentException("series " + name + " needs as many x as y values, at least one");
            }
            x = x.clone();
            y = y.clone();
        }
    }

    public Plot {
        if (!stem.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("plot file stem must be [a-z0-9-]+, got " + stem);
        }
        if (series.isEmpty()) {
            throw new IllegalArgumentException("plot " + stem + " has no series");
        }
        series = List.copyOf(series);
    }

    /**
     * Figure 2 of the paper: a y value against E_align, one line per group (e.g. the adjustment
     * ratio per initializer, or R@10 and N@10), each point the mean over seeds.
     *
     * @param perGroup group name -> E_align -> values over seeds
     */
    public static Plot sweep(String stem, String title, String yLabel,
                             java.util.Map<String, java.util.SortedMap<Integer, double[]>> perGroup) {
        List<Series> series = new java.util.ArrayList<>();
        for (var g : perGroup.entrySet()) {
            double[] x = new double[g.getValue().size()];
            double[] y = new double[x.length];
            int k = 0;
            for (var p : g.getValue().entrySet()) {
                x[k] = p.getKey();
                y[k] = java.util.Arrays.stream(p.getValue()).average().orElse(Double.NaN);
                k++;
            }
            series.add(new Series(g.getKey(), x, y));
        }
        return new Plot(stem, title, "E_align (alignment epochs)", yLabel, series);
    }

    /**
     * Validation NDCG@10 over training, one line per stage (warm-up, iteration 1, ...), x = the
     * cumulative recommendation epoch at which it was measured.
     *
     * @param perStage stage name -> (epoch, value) pairs in epoch order
     */
    public static Plot validationCurve(String stem, String title, java.util.Map<String, double[][]> perStage) {
        List<Series> series = new java.util.ArrayList<>();
        for (var e : perStage.entrySet()) {
            series.add(new Series(e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
        return new Plot(stem, title, "recommendation epoch", "validation NDCG@10", series);
    }
}
