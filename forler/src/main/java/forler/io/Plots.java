package forler.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/** Learning curves and sweeps as PNG (XChart, headless), written atomically. */
public final class Plots {
    private Plots() {}

    /** One line per series: name → (x values, y values), optional error bars. */
    public record Series(String name, double[] x, double[] y, double[] err) {}

    /** Draws {@code series} and saves {@code file} (.png). */
    public static void line(Path file, String title, String xLabel, String yLabel, List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setMarkerSize(5);
        for (Series s : series) {
            if (s.x().length == 0) continue;
            XYSeries xs = s.err() == null ? chart.addSeries(s.name(), s.x(), s.y()) : chart.addSeries(s.name(), s.x(), s.y(), s.err());
            xs.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.writeBytes(file, png);
    }

    /** Columns {@code ys} of logged rows against column {@code x}. */
    public static void fromRows(Path file, String title, List<Map<String, Double>> rows, String x, String yLabel, String... ys)
            throws IOException {
        List<Series> series = new java.util.ArrayList<>();
        for (String y : ys) {
            // rows without y, or with y NaN (a round without evaluation), are left out
            java.util.function.Predicate<Map<String, Double>> has = r -> r.get(y) != null && !r.get(y).isNaN() && r.get(x) != null;
            double[] xv = rows.stream().filter(has).mapToDouble(r -> r.get(x)).toArray();
            double[] yv = rows.stream().filter(has).mapToDouble(r -> r.get(y)).toArray();
            series.add(new Series(y, xv, yv, null));
        }
        line(file, title, x, yLabel, series);
    }
}
