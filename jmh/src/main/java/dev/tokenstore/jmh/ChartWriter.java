package dev.tokenstore.jmh;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Draws the comparison as a PNG with XChart: one bar chart per operation, backends along the x
 * axis with the wrapping (or floor) next to it, ops/s on a logarithmic axis so a cache hit and a
 * durable insert fit on the same chart.
 */
final class ChartWriter {
    private static final int COLUMNS = 2;

    private ChartWriter() {
    }

    static void write(Results results, Path png) throws IOException {
        List<CategoryChart> charts = new ArrayList<>();
        for (String op : results.operations()) {
            charts.add(chart(results, op));
        }
        if (charts.isEmpty()) {
            return;
        }
        int cols = Math.min(COLUMNS, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        int w = charts.get(0).getWidth();
        int h = charts.get(0).getHeight();
        BufferedImage grid = new BufferedImage(cols * w, rows * h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % cols) * w, (i / cols) * h, null);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(grid, "png", png.toFile());
    }

    private static CategoryChart chart(Results results, String op) {
        List<Measurement> rows = results.all().stream().filter(m -> m.operation().equals(op)).toList();
        int threads = rows.get(0).threads();
        CategoryChart chart = new CategoryChartBuilder().width(640).height(440)
                .title(op + (threads > 1 ? " (" + threads + " threads)" : "")).yAxisTitle("ops/s (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(14f));
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setXAxisMaxLabelCount(Integer.MAX_VALUE); // never thin out the bar names
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsRotation(90);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        chart.getStyler().setLabelsFont(chart.getStyler().getAxisTickLabelsFont().deriveFont(9f));
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Measurement m : rows) {
            labels.add(m.backend() + " " + m.wrapping());
            values.add(m.opsPerSec());
        }
        chart.addSeries("ops/s", labels, values);
        // bars start at the axis minimum, which must be positive on a log axis
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(1);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(10);
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-3) / 2))));
        chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(Math.max(max, 1e-2)) + 0.1)));
        return chart;
    }
}
