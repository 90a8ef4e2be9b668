package dev.tokenstore.jmh.report;

import dev.tokenstore.jmh.CleanupBenchmark;
import dev.tokenstore.jmh.MapFloorBenchmark;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsJsonTest {

    @Test
    void readsJmhJsonIncludingNaNErrorsAndSingleShotTimes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.json");
        Files.writeString(file, """
                [ {"benchmark": "dev.tokenstore.jmh.SessionReadBenchmark.loadByAccessToken", "threads": 2,
                   "params": {"backend": "sqlite", "preload": "20000", "wrapping": "cached"},
                   "primaryMetric": {"score": 900000.0, "scoreError": "NaN", "scoreUnit": "ops/s",
                                     "rawData": [[1000000.0, 800000.0]]}},
                  {"benchmark": "dev.tokenstore.jmh.CleanupBenchmark.cleanupExpired", "threads": 1,
                   "params": {"backend": "h2", "preload": "20000", "wrapping": "raw"},
                   "primaryMetric": {"score": 250.0, "scoreError": 25.0, "scoreUnit": "ms/op",
                                     "rawData": [[240.0, 260.0]]}},
                  {"benchmark": "dev.tokenstore.jmh.MapFloorBenchmark.chmGet", "threads": 1,
                   "params": {"preload": "20000"},
                   "primaryMetric": {"score": 2.0E7, "scoreError": 1.0E5, "scoreUnit": "ops/s", "rawData": [[2.0E7]]}} ]
                """);
        Results r = ResultsJson.read(file);
        Measurement cached = r.find("loadByAccessToken", "sqlite", "cached").orElseThrow();
        assertEquals(2, cached.threads());
        assertEquals(900_000, cached.opsPerSec(), 1e-6);
        assertEquals(100_000, cached.error(), 1e-6, "half the range of the iterations when JMH has no error");
        Measurement cleanup = r.find("cleanupExpired", "h2", "raw").orElseThrow();
        assertEquals(4.0, cleanup.opsPerSec(), 1e-9);
        assertEquals(0.4, cleanup.error(), 1e-9);
        assertEquals(2.0e7, r.find("chmGet", "jvm", "floor").orElseThrow().opsPerSec(), 1e-3);
    }
}
