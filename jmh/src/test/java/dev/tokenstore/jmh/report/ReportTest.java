package dev.tokenstore.jmh.report;

import dev.tokenstore.jmh.CacheFootprint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static Results sample() {
        return new Results(List.of(
                new Measurement("loadByAccessToken", "sqlite", "raw", 1, 50_000, 1_000),
                new Measurement("loadByAccessToken", "sqlite", "cached", 1, 6_000_000, 50_000),
                new Measurement("select", "sqlite", "floor", 1, 70_000, Double.NaN),
                new Measurement("store", "sqlite", "raw", 1, 3_000, 100),
                new Measurement("bulkStore1000", "sqlite", "raw", 1, 15_000, 300),
                new Measurement("loopStore1000", "sqlite", "raw", 1, 2_000, 50),
                new Measurement("loopStore1000", "sqlite", "buffered", 1, 12_500, 400),
                new Measurement("loopStore1000", "h2", "raw", 1, 3_000, 50),
                new Measurement("chmGet", "jvm", "floor", 1, 20_000_000, 100_000)));
    }

    @Test
    void unitsAreNormalisedToOpsPerSecond() {
        assertEquals(2_000_000, Measurement.toOpsPerSecond(2, "ops/us"), 1e-6);
        assertEquals(5_000, Measurement.toOpsPerSecond(5_000, "ops/s"), 1e-9);
        assertEquals(4, Measurement.toOpsPerSecond(250, "ms/op"), 1e-9);
        assertEquals(0.4, Measurement.errorToOpsPerSecond(250, 25, "ms/op"), 1e-9);
    }

    @Test
    void tableShowsRatioToRawOfTheSameBackendAndOperation() {
        Report report = new Report(sample(), Optional.of(new CacheFootprint.Result(180, 150, 1000)), List.of("Machine: test"));
        List<List<String>> rows = report.rows();
        List<String> cached = rows.stream().filter(r -> r.get(0).equals("loadByAccessToken") && r.get(2).equals("cached"))
                .findFirst().orElseThrow();
        assertEquals("120x", cached.get(7));
        assertEquals("6,000,000", cached.get(4));
        assertEquals("0.167", cached.get(6));
        List<String> floor = rows.stream().filter(r -> r.get(0).equals("select")).findFirst().orElseThrow();
        assertEquals("", floor.get(7), "floors have no raw to compare with");
        assertEquals("-", floor.get(5), "unknown error shows as -");
        assertEquals("chmGet", rows.get(rows.size() - 2).get(0), "floors come last");
    }

    @Test
    void targetsAreJudgedFromTheRunAndMissingOnesAreNotMet() {
        Report report = new Report(sample(), Optional.of(new CacheFootprint.Result(180, 150, 1000)), List.of());
        Targets.Check hit = find(report, "cached load hit <= 1 us", "sqlite");
        assertEquals(Targets.Status.MET, hit.status());
        Targets.Check bulk = find(report, "bulkStoreSessions(1000) >= 1x", "sqlite");
        assertEquals(Targets.Status.MET, bulk.status()); // 7.5x
        assertEquals(Targets.Status.NOT_APPLICABLE, find(report, "cached load hit >= 100x", "sqlite").status(),
                "a 20 us read is no network read");
        assertTrue(report.checks().stream().noneMatch(c -> c.target().startsWith("group commit, 16")),
                "a target with nothing measured is left out");
        assertEquals(Targets.Status.NOT_MEASURED, find(report, "group commit, 1 writer", "sqlite").status(),
                "raw store alone is half of it");
        Targets.Check halfMeasured = find(report, "raw store within", "sqlite");
        assertEquals(Targets.Status.NOT_MEASURED, halfMeasured.status(), "only the floor insert is missing");
        Targets.Check floor = find(report, "raw load within 1.5x", "sqlite");
        assertEquals(Targets.Status.MET, floor.status(), floor.measured()); // 70k / 50k±1k = 1.37-1.43
        assertEquals(Targets.Status.MET, find(report, "cache overhead", "-").status());
    }

    @Test
    void aTargetWhoseIntervalStraddlesItsThresholdIsInconclusive() {
        Report report = new Report(sample(), Optional.empty(), List.of());
        Targets.Check writeBehind = find(report, "write-behind", "sqlite");
        // 12.5k ± 400 over 15k ± 300: 0.79 to 0.88 around the 0.80 threshold
        assertEquals(Targets.Status.INCONCLUSIVE, writeBehind.status(), writeBehind.measured());
        assertTrue(writeBehind.measured().contains("83% [79-88%]"), writeBehind.measured());
        assertEquals("inconclusive", writeBehind.verdict());
        Results tight = new Results(List.of(new Measurement("store", "h2", "raw", 1, 1000, 10),
                new Measurement("store", "h2", "group-commit", 1, 950, 10)));
        Targets.Check gc = Targets.evaluate(tight, Optional.empty()).stream()
                .filter(c -> c.target().startsWith("group commit, 1 writer")).findFirst().orElseThrow();
        assertEquals(Targets.Status.MET, gc.status(), gc.measured()); // 0.93-0.97, all above 0.9
        Results wide = new Results(List.of(new Measurement("store", "h2", "raw", 1, 1000, 100),
                new Measurement("store", "h2", "group-commit", 1, 950, 100)));
        assertEquals(Targets.Status.INCONCLUSIVE, Targets.evaluate(wide, Optional.empty()).stream()
                .filter(c -> c.target().startsWith("group commit, 1 writer")).findFirst().orElseThrow().status());
        assertTrue(report.markdown().contains("**inconclusive**"));
    }

    @Test
    void markdownAndConsoleCarryTableTargetsAndDurabilityNotes(@TempDir Path dir) throws Exception {
        Report report = new Report(sample(), Optional.empty(), List.of("Machine: test"));
        String md = report.markdown();
        assertTrue(md.contains("| operation | backend | wrapping | threads | ops/s | ± ops/s | µs/op | × raw |"), md);
        assertTrue(md.contains("| loadByAccessToken | sqlite | cached | 1 | 6,000,000 | 50,000 | 0.167 | 120x |"), md);
        assertTrue(md.contains("H2 does not fsync on each commit"), md);
        assertTrue(md.contains("**not measured**"), md);
        String console = report.console();
        assertTrue(console.contains("synchronous=NORMAL"), console);
        Path png = dir.resolve("chart.png");
        System.setProperty("java.awt.headless", "true");
        ChartWriter.write(sample(), png);
        assertTrue(Files.size(png) > 1000);
    }

    private static Targets.Check find(Report report, String targetPrefix, String backend) {
        return report.checks().stream().filter(c -> c.target().startsWith(targetPrefix) && c.backend().equals(backend))
                .findFirst().orElseThrow(() -> new AssertionError("no check " + targetPrefix + " for " + backend));
    }
}
