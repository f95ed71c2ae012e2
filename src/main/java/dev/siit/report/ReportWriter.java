package dev.siit.report;

import dev.siit.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * Writes a {@link Report} into a directory: {@code report.md}, {@code report.html} (self-contained
 * apart from the plots) and every plot as {@code plots/<stem>.png} and {@code plots/<stem>.svg}
 * (XChart, headless). Every file goes through {@link AtomicFiles}.
 */
public final class ReportWriter {

    public static final int PLOT_WIDTH = 720;
    public static final int PLOT_HEIGHT = 420;

    private ReportWriter() {
    }

    /** Writes everything and returns the path of {@code report.md}. */
    public static Path write(Path dir, Report report) {
        System.setProperty("java.awt.headless", "true");
        for (Plot plot : report.plots()) {
            XYChart chart = chart(plot);
            AtomicFiles.write(dir.resolve("plots").resolve(plot.stem() + ".png"),
                    out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
            AtomicFiles.write(dir.resolve("plots").resolve(plot.stem() + ".svg"),
                    out -> VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
        }
        Path md = dir.resolve("report.md");
        AtomicFiles.writeString(md, markdown(report));
        AtomicFiles.writeString(dir.resolve("report.html"), html(report));
        return md;
    }

    static XYChart chart(Plot plot) {
        XYChart chart = new XYChartBuilder().width(PLOT_WIDTH).height(PLOT_HEIGHT).title(plot.title())
                .xAxisTitle(plot.xLabel()).yAxisTitle(plot.yLabel()).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setDecimalPattern("0.####");
        for (Plot.Series s : plot.series()) {
            XYSeries series = chart.addSeries(s.name(), s.x(), s.y());
            series.setLineStyle(new BasicStroke(2f));
        }
        return chart;
    }

    /** The report as GitHub-flavoured Markdown. */
    public static String markdown(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(r.title()).append("\n\n");
        for (String note : r.notes()) {
            sb.append(note).append("\n\n");
        }
        if (!r.commands().isEmpty()) {
            sb.append("Produced by:\n\n```\n");
            r.commands().forEach(c -> sb.append(c).append('\n'));
            sb.append("```\n\n");
        }
        for (ResultTable t : r.tables()) {
            sb.append("## ").append(t.title()).append("\n\n").append(markdownTable(t)).append('\n');
        }
        for (Plot p : r.plots()) {
            sb.append("## ").append(p.title()).append("\n\n");
            sb.append("![").append(p.title()).append("](plots/").append(p.stem()).append(".png)")
                    .append(" ([SVG](plots/").append(p.stem()).append(".svg))\n\n");
        }
        if (!r.provenance().isEmpty()) {
            sb.append("## Provenance\n\n");
            r.provenance().forEach(line -> sb.append("- ").append(line).append('\n'));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** One table as Markdown rows, its caption below. */
    public static String markdownTable(ResultTable t) {
        StringBuilder sb = new StringBuilder();
        sb.append('|');
        t.header().forEach(h -> sb.append(' ').append(mdCell(h)).append(" |"));
        sb.append("\n|");
        t.header().forEach(h -> sb.append("---|"));
        sb.append('\n');
        for (List<Cell> row : t.rows()) {
            sb.append('|');
            row.forEach(c -> sb.append(' ').append(mdCell(c.text())).append(" |"));
            sb.append('\n');
        }
        if (!t.caption().isEmpty()) {
            sb.append('\n').append(t.caption()).append('\n');
        }
        return sb.toString();
    }

    /** The same content as a standalone HTML page (plots as SVG images). */
    public static String html(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(r.title())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}\n")
                .append("table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:4px 8px;")
                .append("text-align:right}th:first-child,td:first-child{text-align:left}")
                .append("pre{background:#f4f4f4;padding:8px}.caption{color:#444}\n")
                .append("</style>\n</head>\n<body>\n");
        sb.append("<h1>").append(esc(r.title())).append("</h1>\n");
        for (String note : r.notes()) {
            sb.append("<p>").append(esc(note)).append("</p>\n");
        }
        if (!r.commands().isEmpty()) {
            sb.append("<p>Produced by:</p>\n<pre>");
            r.commands().forEach(c -> sb.append(esc(c)).append('\n'));
            sb.append("</pre>\n");
        }
        for (ResultTable t : r.tables()) {
            sb.append("<h2>").append(esc(t.title())).append("</h2>\n<table>\n<tr>");
            t.header().forEach(h -> sb.append("<th>").append(esc(h)).append("</th>"));
            sb.append("</tr>\n");
            for (List<Cell> row : t.rows()) {
                sb.append("<tr>");
                row.forEach(c -> sb.append("<td>").append(esc(c.text())).append("</td>"));
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
            if (!t.caption().isEmpty()) {
                sb.append("<p class=\"caption\">").append(esc(t.caption())).append("</p>\n");
            }
        }
        for (Plot p : r.plots()) {
            sb.append("<h2>").append(esc(p.title())).append("</h2>\n<img src=\"plots/").append(p.stem())
                    .append(".svg\" alt=\"").append(esc(p.title())).append("\" width=\"").append(PLOT_WIDTH).append("\">\n");
        }
        if (!r.provenance().isEmpty()) {
            sb.append("<h2>Provenance</h2>\n<ul>\n");
            r.provenance().forEach(line -> sb.append("<li>").append(esc(line)).append("</li>\n"));
            sb.append("</ul>\n");
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private static String mdCell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Bytes of a plot as PNG (for tests and the CLI). */
    static byte[] png(Plot plot) {
        try {
            return BitmapEncoder.getBitmapBytes(chart(plot), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String svg(Plot plot) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart(plot), out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
