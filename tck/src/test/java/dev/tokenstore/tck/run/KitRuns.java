package dev.tokenstore.tck.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every kit run did, by backend and wrapping (the display names of a {@link BackendRuns}
 * subclass and of its {@code @Nested} run): passed, skipped and failed tests, and each skip with
 * its reason. {@link TckSummaryListener} fills it as JUnit reports results; {@link BackendRuns}
 * checks a backend's runs with {@link SkipPolicy} once all of them have finished (same JVM).
 */
final class KitRuns {
    /** One skipped test and why (the assumption's message, or the reason a condition gave). */
    record Skip(String test, String reason) {
    }

    /** Counts of one backend × wrapping. */
    static final class Counts {
        int passed;
        int skipped;
        int failed;
        final List<Skip> skips = new ArrayList<>();

        int total() {
            return passed + skipped + failed;
        }

        Counts copy() {
            Counts c = new Counts();
            c.passed = passed;
            c.skipped = skipped;
            c.failed = failed;
            c.skips.addAll(skips);
            return c;
        }
    }

    enum Outcome { PASSED, SKIPPED, FAILED }

    private static final Map<String, Map<String, Counts>> RUNS = new TreeMap<>();

    private KitRuns() {
    }

    static synchronized void record(String backend, String wrapping, Outcome outcome, String test, String reason) {
        Counts c = RUNS.computeIfAbsent(backend, k -> new TreeMap<>()).computeIfAbsent(wrapping, k -> new Counts());
        switch (outcome) {
            case PASSED -> c.passed++;
            case SKIPPED -> {
                c.skipped++;
                c.skips.add(new Skip(test, reason));
            }
            case FAILED -> c.failed++;
        }
    }

    /** A copy of the counts of {@code backend}'s runs, by wrapping (empty if none was recorded). */
    static synchronized Map<String, Counts> of(String backend) {
        Map<String, Counts> copy = new LinkedHashMap<>();
        RUNS.getOrDefault(backend, Map.of()).forEach((wrapping, c) -> copy.put(wrapping, c.copy()));
        return copy;
    }

    /** A copy of everything recorded, by backend, then wrapping. */
    static synchronized Map<String, Map<String, Counts>> all() {
        Map<String, Map<String, Counts>> copy = new TreeMap<>();
        RUNS.keySet().forEach(backend -> copy.put(backend, of(backend)));
        return copy;
    }
}
