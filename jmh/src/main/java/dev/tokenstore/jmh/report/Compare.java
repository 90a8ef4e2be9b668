package dev.tokenstore.jmh.report;

import dev.tokenstore.jmh.Backend;
import dev.tokenstore.jmh.BenchSettings;
import dev.tokenstore.jmh.CacheFootprint;
import dev.tokenstore.jmh.CleanupBenchmark;
import dev.tokenstore.jmh.JdbcFloorBenchmark;
import dev.tokenstore.jmh.MapFloorBenchmark;
import dev.tokenstore.jmh.Ops;
import dev.tokenstore.jmh.PostgresServer;
import dev.tokenstore.jmh.Wrapping;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The comparison command: runs a curated set of the benchmarks (or the ones chosen with
 * {@code --backends}/{@code --ops}/{@code --wrappings}, or everything with JMH's full settings with
 * {@code --full}) through the JMH runner, which shows progress as it goes, then prints a table of
 * backend x wrapping x operation with ops/s and the ratio to the raw store, checks the DESIGN.md
 * targets, and writes {@code results.json} (JMH JSON), {@code results.md} and {@code chart.png}
 * to the output directory. Main class of {@code jmh/target/benchmarks.jar}.
 */
public final class Compare {
    /** Sessions cached for the JOL footprint measurement. */
    static final int FOOTPRINT_SESSIONS = 20_000;

    private Compare() {
    }

    public static void main(String[] args) {
        CompareOptions options;
        try {
            options = CompareOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(CompareOptions.usage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(CompareOptions.usage());
            return;
        }
        System.setProperty("java.awt.headless", "true");
        logToFile(options.out());
        String command = "java -jar jmh/target/benchmarks.jar" + (args.length == 0 ? "" : " " + String.join(" ", args));
        try {
            if (options.from() != null) {
                redraw(options, command);
                return;
            }
            int failures = run(options, command);
            System.exit(failures == 0 ? 0 : 1);
        } catch (IOException | RuntimeException e) {
            System.err.println("comparison failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Redraws the report of an earlier run from its JMH JSON file, running no benchmark. */
    static void redraw(CompareOptions options, String command) throws IOException {
        Results results = ResultsJson.read(options.from());
        Optional<CacheFootprint.Result> footprint = results.all().stream()
                .anyMatch(m -> m.wrapping().equals(Wrapping.CACHED.paramName()))
                ? CacheFootprint.measureQuietly(FOOTPRINT_SESSIONS) : Optional.empty();
        List<String> context = new ArrayList<>();
        context.add("Command: `" + command + "` (redrawn from " + options.from() + "; see that run for machine and settings)");
        Report report = new Report(results, footprint, context);
        Files.createDirectories(options.out());
        Files.writeString(options.out().resolve("results.md"), report.markdown(), StandardCharsets.UTF_8);
        ChartWriter.write(results, options.out().resolve("chart.png"));
        System.out.println(report.console());
        System.out.println("wrote " + options.out().resolve("results.md") + ", chart.png");
    }

    /** Runs the comparison; returns how many benchmark runs failed. */
    static int run(CompareOptions options, String command) throws IOException {
        Instant started = Instant.now();
        double startLoad = loadAverage();
        List<String> jvmArgs = forkArguments(options);
        List<Run> plan = plan(options);
        int trials = plan.stream().mapToInt(Run::trials).sum();
        System.out.printf(Locale.ROOT, "tokenstore comparison: %d benchmark runs, %d trials (%s); results in %s%n",
                plan.size(), trials, options.mode().description(), options.out());
        List<RunResult> collected = new ArrayList<>();
        int failures = 0;
        for (int i = 0; i < plan.size(); i++) {
            Run run = plan.get(i);
            System.out.printf(Locale.ROOT, "%n=== [%d/%d] %s: %s (%d trials)%n", i + 1, plan.size(), run.group().name(),
                    run.describe(), run.trials());
            try {
                Collection<RunResult> results = new Runner(run.options(options, jvmArgs)).run();
                if (results.size() < run.trials()) {
                    failures++;
                }
                collected.addAll(results);
            } catch (RunnerException e) {
                failures++;
                System.err.println("benchmark run failed: " + e.getMessage());
            }
        }
        if (options.mode() == RunMode.SCALE) {
            ScaleReport scale = ScaleReport.from(collected, context(options, command, started, startLoad));
            scale.write(options.out(), collected);
            System.out.println();
            System.out.println(scale.console());
            System.out.println("wrote " + options.out().resolve("results.json") + ", scale.md, scale.png");
            return failures;
        }
        Optional<CacheFootprint.Result> footprint = options.groups().stream().anyMatch(g -> g.name().equals("load"))
                ? CacheFootprint.measureQuietly(FOOTPRINT_SESSIONS) : Optional.empty();
        Results results = Results.from(collected);
        Report report = new Report(results, footprint, context(options, command, started, startLoad));
        write(options.out(), collected, results, report);
        System.out.println();
        System.out.println(report.console());
        System.out.println("wrote " + options.out().resolve("results.json") + ", results.md, chart.png");
        if (options.mode() == RunMode.QUICK) {
            System.out.println("This quick run's intervals are the spread of two iterations of one fork: for verdicts, run "
                    + "java -jar jmh/target/benchmarks.jar --verdicts");
        }
        if (failures > 0) {
            System.out.println(failures + " benchmark run(s) failed or came back incomplete; see the JMH output above");
        }
        return failures;
    }

    private static void write(Path out, Collection<RunResult> runs, Results results, Report report) throws IOException {
        Files.createDirectories(out);
        try (PrintStream json = new PrintStream(Files.newOutputStream(out.resolve("results.json")), false,
                StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, json).writeOut(runs);
        }
        Files.writeString(out.resolve("results.md"), report.markdown(), StandardCharsets.UTF_8);
        ChartWriter.write(results, out.resolve("chart.png"));
    }

    /**
     * Sends this process's log lines (the embedded PostgreSQL server's start-up and shutdown
     * chatter, at INFO) to {@code compare.log} in the results directory, so the console shows JMH's
     * progress and the report. The benchmark forks log warnings and errors only (they show in JMH's output).
     */
    private static void logToFile(Path out) {
        try {
            Files.createDirectories(out);
            System.setProperty("org.slf4j.simpleLogger.logFile", out.resolve("compare.log").toString());
            System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        } catch (IOException e) {
            System.err.println("cannot create " + out + " (" + e.getMessage() + "); logging to the console");
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static List<String> context(CompareOptions options, String command, Instant started, double startLoad) {
        List<String> lines = new ArrayList<>();
        lines.add("Command: `" + command + "`");
        lines.add(String.format(Locale.ROOT, "Machine: %s %s, %d cores, JDK %s (%s)", System.getProperty("os.name"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.name")));
        lines.add("Started: " + started.truncatedTo(ChronoUnit.SECONDS) + ", took "
                + Math.round((Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0) + " s; load average "
                + String.format(Locale.ROOT, "%.2f", startLoad) + " at the start, "
                + String.format(Locale.ROOT, "%.2f", loadAverage()) + " at the end (other processes share the cores)");
        lines.add("Settings: " + options.mode().description() + ", "
                + (options.mode() == RunMode.SCALE ? "20k/200k/1M" : Integer.toString(options.preload()))
                + " sessions preloaded per trial (fresh database per trial)");
        if (options.backends().contains(Backend.POSTGRES)) {
            lines.add("PostgreSQL: " + (PostgresServer.get().embedded() ? "embedded " : "external server ")
                    + PostgresServer.get().version() + ", fsync=on, synchronous_commit=on (verified with SHOW)");
        }
        return lines;
    }

    /** Arguments every fork gets: where PostgreSQL is and the SQLite durability setting. */
    private static List<String> forkArguments(CompareOptions options) {
        List<String> args = new ArrayList<>();
        // the forks' INFO lines (pool start-up, schema migration) would interleave with JMH's progress
        args.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        if (options.sqliteSynchronous() != null) {
            System.setProperty(BenchSettings.SQLITE_SYNCHRONOUS_PROPERTY, options.sqliteSynchronous());
            args.add("-D" + BenchSettings.SQLITE_SYNCHRONOUS_PROPERTY + "=" + options.sqliteSynchronous());
        }
        if (options.backends().contains(Backend.POSTGRES)) {
            PostgresServer server = PostgresServer.get(); // starts the embedded server once, checks fsync with SHOW
            // an external server's URL may hold credentials: the forks read it from the inherited
            // environment, so it never shows in JMH's "VM options" line or in results.json
            if (server.embedded()) {
                args.add("-D" + BenchSettings.POSTGRES_URL_PROPERTY + "=" + server.url());
                args.add("-D" + BenchSettings.POSTGRES_USER_PROPERTY + "=" + server.user());
            }
        }
        return args;
    }

    private static List<Run> plan(CompareOptions options) {
        List<Run> runs = new ArrayList<>();
        for (Ops.Group group : options.groups()) {
            Map<String, List<String>> byClass = new LinkedHashMap<>();
            for (String b : group.benchmarks()) {
                byClass.computeIfAbsent(b.substring(0, b.lastIndexOf('.')), k -> new ArrayList<>()).add(b);
            }
            for (Map.Entry<String, List<String>> e : byClass.entrySet()) {
                boolean hasBackend = !e.getKey().equals(MapFloorBenchmark.class.getName());
                boolean sqlOnly = group.sqlOnly() || e.getKey().equals(JdbcFloorBenchmark.class.getName());
                List<Backend> backends = !hasBackend ? List.of()
                        : options.backends().stream().filter(b -> !sqlOnly || b.sql()).toList();
                if (hasBackend && backends.isEmpty()) {
                    continue;
                }
                if (!hasBackend && options.mode() != RunMode.SCALE && !options.backends().contains(Backend.MEMORY)
                        && !options.backends().containsAll(Backend.DEFAULTS)) {
                    continue; // the map floor belongs with the memory backend when backends are picked
                }
                runs.add(new Run(group, e.getValue(), backends, options.wrappingsFor(group), hasBackend,
                        options.mode() == RunMode.SCALE ? RunMode.SCALE_SIZES.size() : 1));
            }
        }
        return runs;
    }

    /** One JMH runner invocation: some methods of one class over backends x wrappings. */
    record Run(Ops.Group group, List<String> benchmarks, List<Backend> backends, List<Wrapping> wrappings,
            boolean hasBackend, int sizes) {

        int trials() {
            return benchmarks.size() * Math.max(1, backends.size()) * Math.max(1, wrappings.size()) * sizes;
        }

        String describe() {
            String methods = benchmarks.stream().map(b -> b.substring(b.lastIndexOf('.') + 1))
                    .collect(Collectors.joining(", "));
            String where = backends.isEmpty() ? "" : " on " + backends.stream().map(Backend::paramName)
                    .collect(Collectors.joining(","));
            String how = wrappings.isEmpty() ? "" : " x " + wrappings.stream().map(Wrapping::paramName)
                    .collect(Collectors.joining(","));
            return methods + where + how;
        }

        org.openjdk.jmh.runner.options.Options options(CompareOptions options, List<String> jvmArgs) {
            ChainedOptionsBuilder b = new OptionsBuilder();
            for (String benchmark : benchmarks) {
                b.include("^" + Pattern.quote(benchmark) + "$");
            }
            if (hasBackend) {
                b.param("backend", backends.stream().map(Backend::paramName).toArray(String[]::new));
            }
            if (!wrappings.isEmpty()) {
                b.param("wrapping", wrappings.stream().map(Wrapping::paramName).toArray(String[]::new));
            }
            if (options.mode() == RunMode.SCALE) {
                b.param("preload", RunMode.SCALE_SIZES.stream().map(String::valueOf).toArray(String[]::new));
                if (benchmarks.stream().anyMatch(m -> m.startsWith(CleanupBenchmark.class.getName()))) {
                    b.param("expired", Integer.toString(RunMode.SCALE_EXPIRED));
                }
            } else {
                b.param("preload", Integer.toString(options.preload()));
            }
            options.mode().apply(b);
            if (!jvmArgs.isEmpty()) {
                b.jvmArgsAppend(jvmArgs.toArray(String[]::new));
            }
            return b.shouldFailOnError(false).build();
        }
    }
}
