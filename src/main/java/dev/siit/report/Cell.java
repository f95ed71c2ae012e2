package dev.siit.report;

import java.util.Arrays;
import java.util.Locale;

/**
 * One table cell: per-seed values shown as mean ± sample standard deviation, a paired-test
 * p-value, or text. Formatting lives here so Markdown and HTML show the same strings.
 */
public sealed interface Cell {

    /** Significance level below which a paired test's difference is reported as significant. */
    double ALPHA = 0.05;

    /** The text shown in the table. */
    String text();

    /** Values over seeds; {@code percent} shows them as percentages (collision rates). */
    record Values(double[] perSeed, int decimals, boolean percent) implements Cell {
        public Values {
            perSeed = perSeed.clone();
        }

        public double mean() {
            return Arrays.stream(perSeed).average().orElse(Double.NaN);
        }

        /** Sample standard deviation (n - 1); NaN for fewer than 2 seeds. */
        public double std() {
            int n = perSeed.length;
            if (n < 2) {
                return Double.NaN;
            }
            double m = mean();
            double ss = 0;
            for (double v : perSeed) {
                ss += (v - m) * (v - m);
            }
            return Math.sqrt(ss / (n - 1));
        }

        @Override
        public String text() {
            if (perSeed.length == 0) {
                return "n/a";
            }
            double scale = percent ? 100 : 1;
            String unit = percent ? "%" : "";
            String fmt = "%." + decimals + "f";
            String m = String.format(Locale.ROOT, fmt, mean() * scale) + unit;
            if (perSeed.length == 1) {
                return m + " (1 seed)";
            }
            return m + " ± " + String.format(Locale.ROOT, fmt, std() * scale) + unit;
        }
    }

    /** A two-sided paired-test p-value; NaN = no test (e.g. the baseline row itself). */
    record PValue(double p) implements Cell {
        @Override
        public String text() {
            if (Double.isNaN(p)) {
                return "—";
            }
            String v = p < 1e-4 ? "< 0.0001" : String.format(Locale.ROOT, "%.4f", p);
            return p < ALPHA ? v : v + " (not significant)";
        }
    }

    /** Free text. */
    record Text(String text) implements Cell {
    }

    static Cell values(double[] perSeed) {
        return new Values(perSeed, 4, false);
    }

    static Cell percent(double[] perSeed) {
        return new Values(perSeed, 2, true);
    }

    static Cell p(double p) {
        return new PValue(p);
    }

    static Cell text(String s) {
        return new Text(s);
    }
}
