package dev.tokenstore.jmh.report;

import dev.tokenstore.jmh.Backend;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the comparison as a PNG with XChart: one bar chart per operation, bars grouped by backend
 * and colored by wrapping (raw, cached, buffered, group commit, cached+buffered; the same color in
 * every chart, with a legend), and next to them, in dark gray, the engine floor that operation is
 * judged against (hand-written JDBC select for reads, insert for single writes, 16-row batch for 16
 * writers, 1000-row batch for bulk and write-behind; bare Caffeine for the memory backend's read).
 * Ops/s on a logarithmic axis, so a cache hit and a durable insert fit on the same chart.
 */
final class ChartWriter {
    private static final int COLUMNS = 2;
    private static final String FLOOR_SERIES = "engine floor";
    private static final Map<String, Color> COLORS = Map.of(
            "raw", new Color(0x4C72B0), "cached", new Color(0x55A868), "buffered", new Color(0xDD8452),
            "group-commit", new Color(0x8172B3), "cached+buffered", new Color(0x64B5CD),
            FLOOR_SERIES, new Color(0x404040));
    /** Which floor each operation is judged against. */
    private static final Map<String, String> FLOOR_OF = Map.of(
            "loadByAccessToken", "select", "loadByAccessToken2t", "select", "store", "insert",
            "store16", "batchInsert16", "loopStore1000", "batchInsert1000", "bulkStore1000", "batchInsert1000");

    private ChartWriter() {
    }

    static void write(Results results, Path png) throws IOException {
        List<CategoryChart> charts = new ArrayList<>();
        Set<String> shownFloors = new HashSet<>();
        for (String op : results.operations()) {
            boolean floorOnly = results.all().stream().filter(m -> m.operation().equals(op))
                    .allMatch(m -> Measurement.FLOOR.equals(m.wrapping()));
            if (!floorOnly) {
                charts.add(chart(results, op, shownFloors));
            }
        }
        for (String op : results.operations()) {
            boolean floorOnly = results.all().stream().filter(m -> m.operation().equals(op))
                    .allMatch(m -> Measurement.FLOOR.equals(m.wrapping()));
            if (floorOnly && !shownFloors.contains(op)) {
                charts.add(chart(results, op, shownFloors)); // a floor no operation of this run refers to
            }
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

    private static CategoryChart chart(Results results, String op, Set<String> shownFloors) {
        List<Measurement> rows = results.all().stream().filter(m -> m.operation().equals(op)).toList();
        int threads = rows.get(0).threads();
        String floorOp = FLOOR_OF.get(op);
        CategoryChart chart = new CategoryChartBuilder().width(640).height(440)
                .title(op + (threads > 1 ? " (" + threads + " threads)" : "")
                        + (floorOp != null ? "; floor: " + floorOp : ""))
                .yAxisTitle("ops/s (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(14f));
        chart.getStyler().setYAxisDecimalPattern("#,###");
        List<String> backends = rows.stream().map(Measurement::backend).distinct().toList();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (Measurement m : rows) {
            String name = Measurement.FLOOR.equals(m.wrapping()) ? FLOOR_SERIES : m.wrapping();
            series.computeIfAbsent(name, k -> nulls(backends.size())).set(backends.indexOf(m.backend()), m.opsPerSec());
        }
        if (floorOp != null) {
            for (String backend : backends) {
                Optional<Measurement> floor = results.find(floorOp, backend, Measurement.FLOOR);
                if (floor.isEmpty() && backend.equals(Backend.MEMORY.paramName()) && floorOp.equals("select")) {
                    floor = results.find("caffeineGet", "jvm", Measurement.FLOOR)
                            .or(() -> results.find("chmGet", "jvm", Measurement.FLOOR));
                }
                floor.ifPresent(f -> series.computeIfAbsent(FLOOR_SERIES, k -> nulls(backends.size()))
                        .set(backends.indexOf(backend), f.opsPerSec()));
            }
            shownFloors.add(floorOp);
        }
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Map.Entry<String, List<Double>> e : series.entrySet()) {
            var s = chart.addSeries(e.getKey(), backends, e.getValue());
            s.setFillColor(COLORS.getOrDefault(e.getKey(), Color.GRAY));
            for (Double v : e.getValue()) {
                if (v != null) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        // bars start at the axis minimum, which must be positive on a log axis
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-3) / 2))));
        chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(Math.max(max, 1e-2)) + 0.1)));
        return chart;
    }

    private static List<Double> nulls(int n) {
        List<Double> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(null);
        }
        return list;
    }
}
