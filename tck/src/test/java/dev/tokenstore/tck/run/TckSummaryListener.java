package dev.tokenstore.tck.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts every kit test of the backend runs (the {@link BackendRun} classes) by backend and
 * wrapping into {@link KitRuns}, where {@link BackendRuns} checks them, and after the run prints
 * one line per backend (and per backend × wrapping) with its passed / skipped / failed counts,
 * then every skipped test with its reason, and writes the same to {@code target/tck-summary.txt}.
 * Registered through {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public final class TckSummaryListener implements TestExecutionListener {
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (test.isTest()) {
            record(test, KitRuns.Outcome.SKIPPED, reason);
        } else {
            // a skipped container hides its tests: count it as one skip so it cannot go unnoticed
            record(test, KitRuns.Outcome.SKIPPED, "container skipped: " + reason);
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        String reason = result.getThrowable().map(Throwable::getMessage).orElse(null);
        if (!test.isTest()) {
            switch (result.getStatus()) {
                case FAILED -> record(test, KitRuns.Outcome.FAILED, reason);
                case ABORTED -> record(test, KitRuns.Outcome.SKIPPED, "container aborted: " + reason);
                default -> { }
            }
            return;
        }
        switch (result.getStatus()) {
            case SUCCESSFUL -> record(test, KitRuns.Outcome.PASSED, null);
            case ABORTED -> record(test, KitRuns.Outcome.SKIPPED, reason);
            case FAILED -> record(test, KitRuns.Outcome.FAILED, reason);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        Map<String, Map<String, KitRuns.Counts>> all = KitRuns.all();
        if (all.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add("TCK summary by backend:");
        all.forEach((backend, runs) -> {
            int[] total = new int[3];
            runs.values().forEach(c -> {
                total[0] += c.passed;
                total[1] += c.skipped;
                total[2] += c.failed;
            });
            lines.add(format(backend, total[0], total[1], total[2]));
        });
        lines.add("TCK summary by backend and wrapping:");
        all.forEach((backend, runs) -> runs.forEach((wrapping, c) ->
                lines.add(format(backend + " / " + wrapping, c.passed, c.skipped, c.failed))));
        lines.add("TCK skipped tests (only memory may skip, for the reasons SkipPolicy lists):");
        all.forEach((backend, runs) -> runs.forEach((wrapping, c) -> c.skips.forEach(
                skip -> lines.add("  " + backend + " / " + wrapping + ": " + skip.test() + " (" + skip.reason() + ")"))));
        lines.forEach(System.out::println);
        try {
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "tck-summary.txt"), lines);
        } catch (IOException e) {
            System.out.println("could not write target/tck-summary.txt: " + e);
        }
    }

    private static String format(String name, int passed, int skipped, int failed) {
        return String.format("  %-40s %4d passed, %4d skipped, %4d failed", name, passed, skipped, failed);
    }

    private void record(TestIdentifier test, KitRuns.Outcome outcome, String reason) {
        List<TestIdentifier> classes = new ArrayList<>();
        for (Optional<TestIdentifier> c = Optional.of(test); c.isPresent(); c = plan.getParent(c.get())) {
            if (c.get().isContainer() && c.get().getSource().filter(ClassSource.class::isInstance).isPresent()) {
                classes.add(0, c.get());
            }
        }
        if (classes.isEmpty() || !isBackendRun(classes.get(0))) {
            return; // not a kit run over a backend (e.g. a unit test of this package)
        }
        String backend = classes.get(0).getDisplayName();
        if (classes.size() == 1) {
            if (!test.isTest()) {
                // the backend class itself: e.g. its own @AfterAll check failed
                KitRuns.record(backend, "(backend)", outcome, test.getDisplayName(), reason);
            }
            return;
        }
        KitRuns.record(backend, classes.get(1).getDisplayName(), outcome, testName(test), reason);
    }

    private static boolean isBackendRun(TestIdentifier top) {
        return top.getSource().map(s -> {
            try {
                return BackendRun.class.isAssignableFrom(((ClassSource) s).getJavaClass());
            } catch (RuntimeException e) {
                return false;
            }
        }).orElse(false);
    }

    /** The test's display name prefixed with its group's ("security > without a key ..."). */
    private String testName(TestIdentifier test) {
        List<String> names = new ArrayList<>();
        for (Optional<TestIdentifier> c = Optional.of(test); c.isPresent(); c = plan.getParent(c.get())) {
            names.add(0, c.get().getDisplayName());
        }
        // drop the engine, the backend and the wrapping
        return String.join(" > ", names.subList(Math.min(3, names.size() - 1), names.size()));
    }
}
