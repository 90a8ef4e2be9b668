package dev.tokenstore.tck.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a backend's kit runs may skip, and the checks that make a hidden skip fail the build.
 *
 * <p>The database backends (sqlite, h2, postgres, and any other backend not listed in
 * {@link #MEMORY_MAY_SKIP}'s owner) may skip <b>nothing</b>: every kit test, in every wrapping,
 * must run and pass on them. This holds for kit groups added later too, since the check looks at
 * what ran, not at a list of test names.
 *
 * <p>The in-memory store ({@code memory}) may skip only tests whose reason says they need
 * something it does not have by design:
 * <ul>
 *   <li>stored bytes (it persists nothing, so there is nothing to inspect or tamper with);</li>
 *   <li>a second store instance over the same data (each open is a new, empty heap store);</li>
 *   <li>the optional {@code BulkSessionStore} and {@code TransactionalTokenStore} capabilities.</li>
 * </ul>
 * A skip for any other reason fails the memory run too.
 *
 * <p>The Redis backend ({@code redis}, {@code redis-cluster}) is in its first storage format: it
 * has never had an earlier one, so the migration check ("a database written in an earlier storage
 * format migrates on open") has nothing to write and may be skipped for that reason alone; any
 * other skip fails its runs as it fails every database backend's.
 *
 * <p>Besides skips, a backend's runs fail the check when a wrapping ran no test, when the
 * wrappings of the core contract ran different numbers of tests, or when a wrapping ran a different
 * number of tests than the same wrapping of a backend checked before it.
 */
final class SkipPolicy {
    /** Reasons (substrings of the skip message) the memory store may skip for; see the class comment. */
    static final List<String> MEMORY_MAY_SKIP = List.of(
            "the backend persists nothing (in-memory)",
            "the backend cannot open a second store over the same data",
            "this backend's opens do not share data",
            "BulkSessionStore",
            "TransactionalTokenStore",
            "backend has no BULK capability",
            "backend has no TRANSACTIONAL capability");

    /** Reasons a backend still in its first storage format may skip for: there is no earlier format. */
    static final List<String> FIRST_FORMAT_MAY_SKIP = List.of(
            "the backend has no format 1 back to write",
            "the backend has no format 2 back to write");

    private static final Map<String, List<String>> ALLOWED = Map.of("memory", MEMORY_MAY_SKIP,
            "redis", FIRST_FORMAT_MAY_SKIP, "redis-cluster", FIRST_FORMAT_MAY_SKIP);

    private SkipPolicy() {
    }

    /** The skip reasons {@code backend} may have: none unless it is listed (only memory is). */
    static List<String> allowedReasons(String backend) {
        return ALLOWED.getOrDefault(backend, List.of());
    }

    /**
     * What is wrong with {@code backend}'s runs; empty when nothing is.
     *
     * @param runs         its counts by wrapping
     * @param wrappings    every wrapping it must have run
     * @param sameTotals   groups of wrappings that run the same kit, so must run as many tests
     * @param earlier      other backends' counts, by backend then wrapping, to compare totals with
     */
    static List<String> problems(String backend, Map<String, KitRuns.Counts> runs, Set<String> wrappings,
            List<Set<String>> sameTotals, Map<String, Map<String, KitRuns.Counts>> earlier) {
        List<String> problems = new ArrayList<>();
        if (runs.isEmpty()) {
            problems.add(backend + ": no kit test was counted (is TckSummaryListener registered in "
                    + "META-INF/services/org.junit.platform.launcher.TestExecutionListener?)");
            return problems;
        }
        for (String wrapping : wrappings) {
            KitRuns.Counts c = runs.get(wrapping);
            if (c == null || c.total() == 0) {
                problems.add(backend + " / " + wrapping + ": no kit test ran");
            }
        }
        List<String> allowed = allowedReasons(backend);
        runs.forEach((wrapping, c) -> {
            for (KitRuns.Skip skip : c.skips) {
                String reason = skip.reason() == null ? "" : skip.reason();
                if (allowed.stream().noneMatch(reason::contains)) {
                    problems.add(backend + " / " + wrapping + ": skipped '" + skip.test() + "' (" + reason + ")"
                            + (allowed.isEmpty() ? "; a database backend may skip nothing"
                                    : "; not a reason this backend may skip for (SkipPolicy)"));
                }
            }
        });
        for (Set<String> group : sameTotals) {
            Map<String, Integer> totals = new java.util.TreeMap<>();
            group.forEach(w -> totals.put(w, runs.containsKey(w) ? runs.get(w).total() : 0));
            if (totals.values().stream().distinct().count() > 1) {
                problems.add(backend + ": the wrappings of one kit ran different numbers of tests: " + totals);
            }
        }
        earlier.forEach((other, otherRuns) -> {
            if (other.equals(backend)) {
                return;
            }
            runs.forEach((wrapping, c) -> {
                KitRuns.Counts o = otherRuns.get(wrapping);
                if (o != null && o.total() != c.total()) {
                    problems.add(backend + " / " + wrapping + ": ran " + c.total() + " tests, " + other + " / "
                            + wrapping + " ran " + o.total());
                }
            });
        });
        return problems;
    }
}
