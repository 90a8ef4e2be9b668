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
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints one line per backend (and per backend × wrapping) with its passed / skipped / failed
 * counts after the TCK run, and writes them to {@code target/tck-summary.txt}. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public final class TckSummaryListener implements TestExecutionListener {
    private final Map<String, int[]> counts = new TreeMap<>();
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (test.isTest()) {
            record(test, 1);
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
            if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                record(test, 2);
            }
            return;
        }
        switch (result.getStatus()) {
            case SUCCESSFUL -> record(test, 0);
            case ABORTED -> record(test, 1);
            case FAILED -> record(test, 2);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (counts.isEmpty()) {
            return;
        }
        Map<String, int[]> byBackend = new TreeMap<>();
        counts.forEach((key, c) -> {
            int[] total = byBackend.computeIfAbsent(key.split(" / ")[0], k -> new int[3]);
            for (int i = 0; i < 3; i++) {
                total[i] += c[i];
            }
        });
        List<String> lines = new ArrayList<>();
        lines.add("TCK summary by backend:");
        byBackend.forEach((backend, c) -> lines.add(format(backend, c)));
        lines.add("TCK summary by backend and wrapping:");
        counts.forEach((key, c) -> lines.add(format(key, c)));
        lines.forEach(System.out::println);
        try {
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "tck-summary.txt"), lines);
        } catch (IOException e) {
            System.out.println("could not write target/tck-summary.txt: " + e);
        }
    }

    private static String format(String name, int[] c) {
        return String.format("  %-40s %4d passed, %4d skipped, %4d failed", name, c[0], c[1], c[2]);
    }

    private synchronized void record(TestIdentifier test, int slot) {
        counts.computeIfAbsent(runName(test), k -> new int[3])[slot]++;
    }

    /** "backend / wrapping": the display names of the two outermost classes above the test. */
    private String runName(TestIdentifier test) {
        List<String> names = new ArrayList<>();
        Optional<TestIdentifier> current = Optional.of(test);
        while (current.isPresent()) {
            TestIdentifier id = current.get();
            if (id.isContainer() && id.getSource().map(s -> s.getClass().getSimpleName().equals("ClassSource"))
                    .orElse(false)) {
                names.add(0, id.getDisplayName());
            }
            current = plan.getParent(id);
        }
        if (names.isEmpty()) {
            return "(other)";
        }
        return names.size() == 1 ? names.get(0) : names.get(0) + " / " + names.get(1);
    }
}
