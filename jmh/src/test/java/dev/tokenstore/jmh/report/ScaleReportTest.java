package dev.tokenstore.jmh.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleReportTest {

    private static ScaleReport sample() {
        return new ScaleReport(List.of(
                new ScaleReport.Point("loadByAccessToken", "sqlite", "raw", 20_000, 20, 1),
                new ScaleReport.Point("loadByAccessToken", "sqlite", "raw", 1_000_000, 24, 1),
                new ScaleReport.Point("loadByAccessToken", "sqlite", "cached", 20_000, 0.5, 0.05),
                new ScaleReport.Point("loadByAccessToken", "sqlite", "cached", 1_000_000, 1.4, 0.3),
                new ScaleReport.Point("store", "h2", "raw", 20_000, 100, 5),
                new ScaleReport.Point("store", "h2", "raw", 1_000_000, 400, 20),
                new ScaleReport.Point("caffeineGet", ScaleReport.FLOOR_BACKEND, ScaleReport.FLOOR_WRAPPING, 20_000,
                        0.4, 0.01),
                new ScaleReport.Point("caffeineGet", ScaleReport.FLOOR_BACKEND, ScaleReport.FLOOR_WRAPPING,
                        1_000_000, 1.0, 0.01)), List.of("Machine: test"));
    }

    @Test
    void growthIsJudgedWithItsInterval() {
        List<List<String>> rows = sample().rows();
        List<String> raw = find(rows, "loadByAccessToken", "raw");
        assertEquals("20.00", raw.get(3));
        assertTrue(raw.get(5).startsWith("1.20x ["), raw.get(5));
        assertTrue(raw.get(6).startsWith("met"), raw.get(6));
        assertTrue(find(rows, "loadByAccessToken", "cached").get(6).startsWith("inconclusive"),
                "1.4 ± 0.3 us straddles 1.5 us");
        assertTrue(find(rows, "store", "raw").get(6).startsWith("NOT met"));
        String cached = find(rows, "loadByAccessToken", "cached").get(6);
        assertTrue(cached.contains("; met (<= 2x Caffeine: 1.40x ["), "1.4 ± 0.3 us over 1.0 ± 0.01 us at 1M: " + cached);
        assertEquals("floor of the cached hit", find(rows, "caffeineGet", ScaleReport.FLOOR_WRAPPING).get(6));
        assertTrue(sample().markdown().contains("µs @ 1M"));
        assertTrue(sample().chart().isPresent());
    }

    private static List<String> find(List<List<String>> rows, String op, String wrapping) {
        return rows.stream().filter(r -> r.get(0).equals(op) && r.get(1).equals(wrapping)).findFirst().orElseThrow();
    }
}
