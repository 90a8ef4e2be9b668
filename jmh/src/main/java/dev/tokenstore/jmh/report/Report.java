package dev.tokenstore.jmh.report;

import dev.tokenstore.jmh.Backend;
import dev.tokenstore.jmh.BenchSettings;
import dev.tokenstore.jmh.CacheFootprint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders a comparison run as a console table and as Markdown: one row per backend x wrapping x
 * operation with ops/s, the error, µs per operation and the ratio to the raw store; then the
 * DESIGN.md targets and the durability notes every write figure needs.
 */
final class Report {
    private final Results results;
    private final List<Targets.Check> checks;
    private final Optional<CacheFootprint.Result> footprint;
    private final List<String> context;

    /**
     * @param context lines describing the run (machine, command, settings), printed first
     */
    Report(Results results, Optional<CacheFootprint.Result> footprint, List<String> context) {
        this.results = results;
        this.footprint = footprint;
        this.checks = Targets.evaluate(results, footprint);
        this.context = List.copyOf(context);
    }

    List<Targets.Check> checks() {
        return checks;
    }

    /** How to read the verdicts, printed under them. */
    static final String VERDICT_RULE = "Each measured value is followed by its interval [low-high] (score ± error; a ratio "
            + "spans lowest/highest to highest/lowest). A target whose interval straddles its threshold is inconclusive, "
            + "not met or missed; n/a: the target does not apply to this backend. Only a run with 2 or more forks "
            + "(--verdicts) gives confidence intervals; the quick run's are the spread of two iterations.";

    static final List<String> HEADER = List.of("operation", "backend", "wrapping", "threads", "ops/s", "± ops/s",
            "µs/op", "× raw");

    /** The table's rows as text cells, in report order. */
    List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (Measurement m : results.all()) {
            rows.add(List.of(m.operation(), m.backend(), m.wrapping(), Integer.toString(m.threads()),
                    ops(m.opsPerSec()), Double.isNaN(m.error()) ? "-" : ops(m.error()), micros(m.microsPerOp()),
                    results.ratioToRaw(m).map(Report::ratio).orElse("")));
        }
        return rows;
    }

    String console() {
        StringBuilder s = new StringBuilder();
        context.forEach(line -> s.append(line).append('\n'));
        s.append('\n').append(aligned(HEADER, rows())).append('\n');
        s.append("Targets (DESIGN.md):\n");
        List<List<String>> targetRows = new ArrayList<>();
        for (Targets.Check c : checks) {
            targetRows.add(List.of(c.target(), c.backend(), c.measured(), c.verdict()));
        }
        s.append(aligned(List.of("target", "backend", "measured", "verdict"), targetRows));
        s.append(VERDICT_RULE).append('\n').append('\n');
        notes().forEach(n -> s.append("* ").append(n).append('\n'));
        return s.toString();
    }

    String markdown() {
        StringBuilder s = new StringBuilder("# tokenstore benchmark comparison\n\n");
        context.forEach(line -> s.append("- ").append(line).append('\n'));
        s.append('\n').append(markdownTable(HEADER, rows(), "lllrrrrr")).append('\n');
        s.append("## Targets (DESIGN.md)\n\n");
        Targets.STATED.forEach(t -> s.append("- ").append(t).append('\n'));
        s.append('\n');
        List<List<String>> targetRows = new ArrayList<>();
        for (Targets.Check c : checks) {
            boolean plain = c.status() == Targets.Status.MET || c.status() == Targets.Status.NOT_APPLICABLE;
            targetRows.add(List.of(c.target(), c.backend(), c.measured(), plain ? c.verdict() : "**" + c.verdict() + "**"));
        }
        s.append(markdownTable(List.of("target", "backend", "measured", "verdict"), targetRows, "llll")).append('\n');
        s.append(VERDICT_RULE).append("\n\n");
        s.append("## Notes\n\n");
        notes().forEach(n -> s.append("- ").append(n).append('\n'));
        return s.toString();
    }

    private List<String> notes() {
        List<String> notes = new ArrayList<>();
        notes.add("Bulk, loop and batch operations are scored per session (row), not per call.");
        notes.add("± is JMH's 99.9% confidence half-width, or half the range of the measurement iterations when there "
                + "are too few for one (the quick run's two). µs/op is 1/throughput: with N threads, wall time per "
                + "operation across all of them, not the latency of one call.");
        notes.add("PostgreSQL runs with fsync=on and synchronous_commit=on (checked with SHOW before every trial).");
        notes.add("H2 does not fsync on each commit by default: its write figures are not durable-commit figures.");
        if (results.all().stream().anyMatch(m -> m.backend().equals(Backend.HSQLDB.paramName()))) {
            notes.add("HSQLDB syncs its log every 500 ms by default (hsqldb.write_delay): its write figures are not "
                    + "durable-commit figures.");
        }
        String sync = BenchSettings.sqliteSynchronous();
        notes.add("SQLite runs in WAL mode with synchronous=" + (sync == null ? "NORMAL (the backend default; "
                + "a commit is durable after the next checkpoint, not at once; use --sqlite-synchronous FULL)" : sync) + ".");
        footprint.ifPresent(f -> notes.add(String.format(Locale.ROOT, "Cache memory (JOL, %,d sessions cached by "
                + "access token in a cache sized for them, records excluded): %.0f bytes per added entry; %.0f bytes "
                + "per session counting everything the cache holds (fixed structures sized for maxEntries, and "
                + "whatever shared objects it reaches, such as Caffeine's maintenance executor).",
                f.sessions(), f.marginal(), f.total())));
        return notes;
    }

    static String ops(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String micros(double us) {
        if (us >= 100) {
            return String.format(Locale.ROOT, "%,.0f", us);
        }
        if (us >= 1) {
            return String.format(Locale.ROOT, "%.2f", us);
        }
        return String.format(Locale.ROOT, "%.3f", us);
    }

    static String ratio(double x) {
        return x >= 10 ? String.format(Locale.ROOT, "%.0fx", x) : String.format(Locale.ROOT, "%.2fx", x);
    }

    static String aligned(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> row : rows) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder s = new StringBuilder();
        appendRow(s, header, width);
        StringBuilder rule = new StringBuilder();
        for (int w : width) {
            rule.append("-".repeat(w)).append("  ");
        }
        s.append(rule.toString().stripTrailing()).append('\n');
        for (List<String> row : rows) {
            appendRow(s, row, width);
        }
        return s.toString();
    }

    private static void appendRow(StringBuilder s, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            boolean numeric = !cell.isEmpty() && (Character.isDigit(cell.charAt(0)) || cell.equals("-"));
            String pad = " ".repeat(width[i] - cell.length());
            line.append(numeric && i > 0 ? pad + cell : cell + pad).append("  ");
        }
        s.append(line.toString().stripTrailing()).append('\n');
    }

    /** A GitHub Markdown table; {@code align} has one {@code l} or {@code r} per column. */
    static String markdownTable(List<String> header, List<List<String>> rows, String align) {
        StringBuilder s = new StringBuilder();
        s.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            s.append(align.charAt(i) == 'r' ? "---:|" : "---|");
        }
        s.append('\n');
        for (List<String> row : rows) {
            s.append("| ").append(String.join(" | ", row.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
        }
        return s.toString();
    }
}
