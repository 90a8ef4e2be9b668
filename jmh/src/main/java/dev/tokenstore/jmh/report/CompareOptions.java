package dev.tokenstore.jmh.report;

import dev.tokenstore.jmh.Backend;
import dev.tokenstore.jmh.Ops;
import dev.tokenstore.jmh.Wrapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The comparison command's options, parsed from its arguments; see {@link #usage()}. */
record CompareOptions(List<Backend> backends, List<Ops.Group> groups, List<Wrapping> wrappings, RunMode mode,
        int preload, Path out, String sqliteSynchronous, Path from, boolean help) {

    /** Preload of the curated quick run (the full run uses 100k, as the benchmarks' defaults do). */
    static final int QUICK_PRELOAD = 20_000;
    static final int FULL_PRELOAD = 100_000;

    static CompareOptions parse(String... args) {
        List<Backend> backends = Backend.DEFAULTS;
        String ops = null;
        List<Wrapping> wrappings = null;
        RunMode mode = RunMode.QUICK;
        Integer preload = null;
        Path out = null;
        String sync = null;
        Path from = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--help", "-h" -> help = true;
                case "--full" -> mode = mode(mode, RunMode.FULL);
                case "--verdicts" -> mode = mode(mode, RunMode.VERDICTS);
                case "--scale" -> mode = mode(mode, RunMode.SCALE);
                case "--backends" -> backends = list(value != null ? value : next(args, ++i, arg)).stream()
                        .map(Backend::of).distinct().toList();
                case "--ops" -> ops = value != null ? value : next(args, ++i, arg);

                case "--wrappings" -> wrappings = list(value != null ? value : next(args, ++i, arg)).stream()
                        .map(Wrapping::of).distinct().toList();
                case "--preload" -> preload = positive(value != null ? value : next(args, ++i, arg), "--preload");
                case "--out" -> out = Paths.get(value != null ? value : next(args, ++i, arg));
                case "--sqlite-synchronous" -> sync = synchronous(value != null ? value : next(args, ++i, arg));
                case "--from" -> from = Paths.get(value != null ? value : next(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'\n" + usage());
            }
        }
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("--backends must name at least one backend");
        }
        List<Ops.Group> groups = ops == null ? mode.defaultGroups() : groups(ops, mode.knownGroups());
        return new CompareOptions(backends, groups, wrappings, mode,
                preload != null ? preload : mode == RunMode.FULL ? FULL_PRELOAD : QUICK_PRELOAD,
                out != null ? out : defaultOut(), sync, from, help);
    }

    /** True for {@code --full} (JMH's own settings, every wrapping). */
    boolean full() {
        return mode == RunMode.FULL;
    }

    private static RunMode mode(RunMode current, RunMode chosen) {
        if (current != RunMode.QUICK && current != chosen) {
            throw new IllegalArgumentException("--full, --verdicts and --scale exclude each other");
        }
        return chosen;
    }

    /** Wrappings to run for a group: the explicit {@code --wrappings}, all for {@code --full}, else the curated ones. */
    List<Wrapping> wrappingsFor(Ops.Group group) {
        if (!group.hasWrapping()) {
            return List.of();
        }
        if (wrappings != null) {
            return wrappings;
        }
        return full() ? List.of(Wrapping.values()) : group.wrappings();
    }

    private static List<Ops.Group> groups(String value, List<Ops.Group> known) {
        Set<Ops.Group> out = new LinkedHashSet<>();
        for (String name : list(value)) {
            if (name.equals("all")) {
                out.addAll(known);
            } else {
                out.add(Ops.group(name, known));
            }
        }
        return new ArrayList<>(out);
    }

    private static List<String> list(String value) {
        List<String> out = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty list '" + value + "'");
        }
        return out;
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String value, String option) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 2) {
                throw new IllegalArgumentException(option + " must be at least 2, was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be an integer, was '" + value + "'", e);
        }
    }

    private static String synchronous(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (!List.of("OFF", "NORMAL", "FULL", "EXTRA").contains(v)) {
            throw new IllegalArgumentException("--sqlite-synchronous must be OFF, NORMAL, FULL or EXTRA, was '" + value + "'");
        }
        return v;
    }

    /** {@code jmh/target/results} from the repository root, else {@code target/results}. */
    private static Path defaultOut() {
        return Files.isDirectory(Paths.get("jmh", "target")) ? Paths.get("jmh", "target", "results")
                : Paths.get("target", "results");
    }

    static String usage() {
        StringBuilder s = new StringBuilder();
        s.append("usage: java -jar jmh/target/benchmarks.jar [options]\n")
                .append("  --backends LIST          memory,sqlite,h2,postgres,hsqldb (default: all but hsqldb)\n")
                .append("  --ops LIST               operation groups (default: the curated ones marked *), or all:\n");
        for (Ops.Group g : Ops.GROUPS) {
            s.append(String.format("      %s %-12s %s%n", g.curated() ? "*" : " ", g.name(), g.description()));
        }
        s.append("  --wrappings LIST         raw,cached,buffered,group-commit,cached+buffered (default: per group;\n")
                .append("                           every wrapping with --full)\n")
                .append("  --full                   JMH's default warmup/measurement/forks (about 8 minutes per trial),\n")
                .append("                           all groups and wrappings, 100k preload: narrow it with the options above\n")
                .append("  --verdicts               only the benchmarks behind the DESIGN.md targets, 2 forks x (2+4) x 1 s:\n")
                .append("                           verdicts with real confidence intervals (about 25 minutes on 2 cores)\n")
                .append("  --scale                  raw and cached loadSessionByAccessToken, raw storeSession and\n")
                .append("                           cleanupExpired at 20k, 200k and 1M sessions per database backend,\n")
                .append("                           and bare Caffeine over as many keys (the cached hit's floor):\n")
                .append("                           writes scale.md and scale.png (long: the 1M preloads take minutes each)\n")
                .append("  --preload N              sessions preloaded per trial (default 20000; 100000 with --full)\n")
                .append("  --sqlite-synchronous M   OFF, NORMAL (backend default), FULL or EXTRA\n")
                .append("  --out DIR                results directory (default jmh/target/results)\n")
                .append("  --from FILE              run nothing: redraw the table, results.md and chart.png from a JMH\n")
                .append("                           JSON file (e.g. an earlier results.json)\n")
                .append("PostgreSQL: embedded (fsync=on, synchronous_commit=on), or the server in TOKENSTORE_POSTGRES_URL\n")
                .append("(user/password from TOKENSTORE_POSTGRES_USER / TOKENSTORE_POSTGRES_PASSWORD).\n")
                .append("Raw JMH: java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main <regex> [JMH options]\n");
        return s.toString();
    }
}
