package io.parquetry.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws the sustained benchmark's runs: lag in seconds (top), and appends and commits per second (bottom), per rate. */
final class SustainChart {

    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b)};

    private SustainChart() {
    }

    static void write(Path png, List<SustainResult> results) throws IOException {
        XYSeriesCollection lag = new XYSeriesCollection();
        XYSeriesCollection rates = new XYSeriesCollection();
        for (SustainResult r : results) {
            String name = String.format(Locale.ROOT, "%.1f M/s offered", r.rate() / 1e6);
            XYSeries l = new XYSeries(name);
            XYSeries appended = new XYSeries(name + ": appended");
            XYSeries committed = new XYSeries(name + ": committed");
            SustainResult.Sample prev = null;
            for (SustainResult.Sample s : r.samples()) {
                l.add(s.seconds(), s.lagSeconds());
                if (prev != null && s.seconds() > prev.seconds()) {
                    double dt = s.seconds() - prev.seconds();
                    appended.add(s.seconds(), (s.appended() - prev.appended()) / dt / 1e6);
                    committed.add(s.seconds(), (s.committed() - prev.committed()) / dt / 1e6);
                }
                prev = s;
            }
            lag.addSeries(l);
            rates.addSeries(appended);
            rates.addSeries(committed);
        }
        NumberAxis time = new NumberAxis("seconds since the producer started");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.add(new XYPlot(lag, null, new NumberAxis("lag of committed data (s)"), renderer(results.size(), false)), 1);
        plot.add(new XYPlot(rates, null, new NumberAxis("records per second (millions)"), renderer(results.size(), true)), 1);
        JFreeChart chart = new JFreeChart("Sustained capture: recorder thread at a fixed rate, converter process (maxAge 1 s)",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 800);
    }

    private static XYLineAndShapeRenderer renderer(int runs, boolean pairs) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < runs; i++) {
            if (pairs) {
                r.setSeriesPaint(2 * i, COLOURS[i % COLOURS.length]);
                r.setSeriesPaint(2 * i + 1, COLOURS[i % COLOURS.length].darker());
                r.setSeriesStroke(2 * i + 1, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
            } else {
                r.setSeriesPaint(i, COLOURS[i % COLOURS.length]);
            }
        }
        return r;
    }
}
