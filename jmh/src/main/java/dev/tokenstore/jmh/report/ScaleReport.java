package dev.tokenstore.jmh.report;

import dev.tokenstore.jmh.Ops;
import dev.tokenstore.jmh.Wrapping;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;

/**
 * The scaling run ({@code --scale}): the cost of one call (cleanup: of one expired row) at each
 * number of stored sessions, per operation, wrapping and backend; the DESIGN-style targets for it
 * (raw lookup and store at the largest size within 1.5x of the smallest, cached hit at the largest
 * ≤ 1.5 µs, cleanup per row flat: within 1.5x); and a log-log line chart per operation.
 */
final class ScaleReport {

    /** How the bare-Caffeine floor ({@code MapFloorBenchmark.caffeineGet}, no backend) shows in rows. */
    static final String FLOOR_BACKEND = "caffeine";
    static final String FLOOR_WRAPPING = "floor";

    /** One figure: microseconds per call (per expired row for cleanup) ± error, at {@code sessions}. */
    record Point(String operation, String backend, String wrapping, int sessions, double micros, double error) {
        Interval interval() {
            double err = Double.isFinite(error) ? error : 0;
            return new Interval(micros, Math.max(micros - err, micros * 1e-3), micros + err);
        }
    }

    private final List<Point> points;
    private final List<String> context;

    ScaleReport(List<Point> points, List<String> context) {
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingInt((Point p) -> Ops.order(p.operation())).thenComparing(Point::wrapping)
                .thenComparingInt(p -> Results.backendOrder(p.backend())).thenComparingInt(Point::sessions));
        this.points = List.copyOf(sorted);
        this.context = List.copyOf(context);
    }

    static ScaleReport from(Collection<RunResult> runs, List<String> context) {
        List<Point> points = new ArrayList<>();
        for (RunResult run : runs) {
            var params = run.getParams();
            String benchmark = params.getBenchmark();
            String op = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            int sessions = Integer.parseInt(params.getParam("preload"));
            var primary = run.getPrimaryResult();
            double ops = Measurement.toOpsPerSecond(primary.getScore(), primary.getScoreUnit());
            double opsError = Measurement.errorToOpsPerSecond(primary.getScore(), primary.getScoreError(),
                    primary.getScoreUnit());
            double perCall = 1e6 / ops;
            double rows = 1;
            String expired = params.getParamsKeys().contains("expired") ? params.getParam("expired") : null;
            if (expired != null && Integer.parseInt(expired) > 0) {
                rows = Integer.parseInt(expired);
            }
            double error = Double.isFinite(opsError) ? perCall * opsError / ops : Double.NaN;
            boolean floor = !params.getParamsKeys().contains("backend");
            points.add(new Point(op, floor ? FLOOR_BACKEND : params.getParam("backend"),
                    floor ? FLOOR_WRAPPING : params.getParam("wrapping"), sessions, perCall / rows, error / rows));
        }
        return new ScaleReport(points, context);
    }

    List<Point> points() {
        return points;
    }

    /** Series key (operation, wrapping) → backend → points by size. */
    private Map<String, Map<String, List<Point>>> series() {
        Map<String, Map<String, List<Point>>> out = new LinkedHashMap<>();
        for (Point p : points) {
            out.computeIfAbsent(p.operation() + " " + p.wrapping(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(p.backend(), k -> new ArrayList<>()).add(p);
        }
        return out;
    }

    private List<Integer> sizes() {
        return new ArrayList<>(new TreeSet<>(points.stream().map(Point::sessions).toList()));
    }

    /** Rows: operation, wrapping, backend, µs at each size, largest over smallest, verdict. */
    List<List<String>> rows() {
        List<Integer> sizes = sizes();
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Point>>> s : series().entrySet()) {
            for (Map.Entry<String, List<Point>> b : s.getValue().entrySet()) {
                List<Point> ps = b.getValue();
                List<String> row = new ArrayList<>(List.of(ps.get(0).operation(), ps.get(0).wrapping(), b.getKey()));
                for (int size : sizes) {
                    row.add(ps.stream().filter(p -> p.sessions() == size).findFirst()
                            .map(p -> Report.micros(p.micros())).orElse("-"));
                }
                Point first = ps.get(0);
                Point last = ps.get(ps.size() - 1);
                Interval growth = last.interval().over(first.interval());
                row.add(ps.size() < 2 ? "-" : growth.ratio());
                row.add(ps.size() < 2 ? "not measured" : verdict(first, last, growth, floorAt(last.sessions())));
                rows.add(row);
            }
        }
        return rows;
    }

    private Optional<Point> floorAt(int sessions) {
        return points.stream().filter(p -> p.wrapping().equals(FLOOR_WRAPPING) && p.sessions() == sessions)
                .findFirst();
    }

    /**
     * Cached hits: at most 1.5 µs at the largest size, and (DESIGN.md's per-backend target) at most 2x
     * bare Caffeine over as many keys, when the floor was measured; the floor itself has no target.
     */
    private static String verdict(Point first, Point last, Interval growth, Optional<Point> floor) {
        if (first.wrapping().equals(FLOOR_WRAPPING)) {
            return "floor of the cached hit";
        }
        if (first.wrapping().equals(Wrapping.CACHED.paramName())) {
            String absolute = name(last.interval().atMost(1.5)) + " (<= 1.5 us at " + count(last.sessions()) + ")";
            return floor.map(f -> {
                Interval overFloor = last.interval().over(f.interval());
                return absolute + "; " + name(overFloor.atMost(2)) + " (<= 2x Caffeine: " + overFloor.ratio() + ")";
            }).orElse(absolute);
        }
        return name(growth.atMost(1.5)) + " (<= 1.5x of " + count(first.sessions()) + ")";
    }

    private static String name(Targets.Status status) {
        return new Targets.Check("", "", "", status).verdict();
    }

    private static String count(int n) {
        return n >= 1_000_000 && n % 1_000_000 == 0 ? n / 1_000_000 + "M" : n >= 1000 ? n / 1000 + "k" : Integer.toString(n);
    }

    private List<String> header() {
        List<String> h = new ArrayList<>(List.of("operation", "wrapping", "backend"));
        sizes().forEach(n -> h.add("µs @ " + count(n)));
        h.add("largest / smallest");
        h.add("target");
        return h;
    }

    String console() {
        StringBuilder s = new StringBuilder();
        context.forEach(line -> s.append(line).append('\n'));
        s.append('\n').append(Report.aligned(header(), rows()));
        s.append("* cleanupExpired is per expired row (").append(RunMode.SCALE_EXPIRED)
                .append(" expired per call, whatever the table size); the others per call.\n");
        return s.toString();
    }

    String markdown() {
        StringBuilder s = new StringBuilder("# tokenstore scaling run\n\n");
        context.forEach(line -> s.append("- ").append(line).append('\n'));
        s.append('\n').append(Report.markdownTable(header(), rows(), "lll" + "r".repeat(sizes().size()) + "rl"));
        s.append("\ncleanupExpired is per expired row (").append(RunMode.SCALE_EXPIRED)
                .append(" expired per call, whatever the table size); the others per call. Intervals are JMH's error.\n");
        return s.toString();
    }

    void write(Path out, Collection<RunResult> runs) throws IOException {
        Files.createDirectories(out);
        try (PrintStream json = new PrintStream(Files.newOutputStream(out.resolve("results.json")), false,
                StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(runs);
        }
        Files.writeString(out.resolve("scale.md"), markdown(), StandardCharsets.UTF_8);
        chart().ifPresent(c -> {
            try {
                BitmapEncoder.saveBitmap(c, out.resolve("scale.png").toString(), BitmapEncoder.BitmapFormat.PNG);
            } catch (IOException e) {
                System.err.println("could not write scale.png: " + e.getMessage());
            }
        });
    }

    /** One chart, a line per operation, wrapping and backend, both axes logarithmic. */
    Optional<XYChart> chart() {
        if (points.isEmpty()) {
            return Optional.empty();
        }
        XYChart chart = new XYChartBuilder().width(900).height(600).title("cost per call against stored sessions")
                .xAxisTitle("stored sessions (log)").yAxisTitle("µs per call; cleanup: per expired row (log)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        for (Map.Entry<String, Map<String, List<Point>>> s : series().entrySet()) {
            for (Map.Entry<String, List<Point>> b : s.getValue().entrySet()) {
                List<Point> ps = b.getValue();
                chart.addSeries(s.getKey() + " " + b.getKey(), ps.stream().map(p -> (double) p.sessions()).toList(),
                        ps.stream().map(Point::micros).toList());
            }
        }
        return Optional.of(chart);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ScaleReport[%d points]", points.size());
    }
}
