package dev.tokenstore.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a run against the performance targets of DESIGN.md, per backend, with the ratios taken
 * in that run. A target whose measurements are missing is reported as not measured, never as met.
 */
final class Targets {

    /** The verdict on one target for one backend. */
    enum Status { MET, NOT_MET, NOT_MEASURED }

    /**
     * @param target   the target as DESIGN.md states it
     * @param backend  the backend it was checked on ({@code -} for backend-independent ones)
     * @param measured what was measured, e.g. {@code 0.41 µs, 153x raw}
     * @param status   the verdict
     */
    record Check(String target, String backend, String measured, Status status) {
        String verdict() {
            return switch (status) {
                case MET -> "met";
                case NOT_MET -> "NOT met";
                case NOT_MEASURED -> "not measured";
            };
        }
    }

    private static final String NOTHING = "-";
    private static final String HALF = "only one side measured";

    private Targets() {
    }

    static List<Check> evaluate(Results r, Optional<CacheFootprint.Result> footprint) {
        List<Check> checks = new ArrayList<>();
        for (String backend : r.backends()) {
            if (Results.backendOrder(backend) < 0) {
                continue;
            }
            boolean sql = !backend.equals(Backend.MEMORY.paramName());
            checks.add(cacheHit(r, backend));
            if (sql) {
                checks.add(groupCommit(r, backend));
                checks.add(writeBehind(r, backend));
                checks.add(ratio(r, "bulkStoreSessions(1000) >= 5x looped storeSession", backend,
                        "bulkStore1000", Wrapping.RAW, "loopStore1000", Wrapping.RAW, 5.0, true));
                checks.add(ratio(r, "bulkDeleteSessionsByHash(500) >= 5x looped delete", backend,
                        "bulkDelete500", Wrapping.RAW, "loopDelete500", Wrapping.RAW, 5.0, true));
                checks.add(floorRatio(r, "raw load within 1.5x of hand-written JDBC select", backend,
                        "loadByAccessToken", "select"));
                checks.add(floorRatio(r, "raw store within 1.5x of hand-written JDBC insert", backend, "store", "insert"));
            }
        }
        // a target none of whose measurements were part of this run is left out, not listed as unmeasured
        checks.removeIf(c -> c.status() == Status.NOT_MEASURED && c.measured().equals(NOTHING));
        footprint.ifPresent(f -> checks.add(new Check("cache overhead <= 400 bytes per cached session (JOL)", "-",
                String.format(Locale.ROOT, "%.0f B per entry (%.0f B incl. fixed structures)", f.marginal(), f.total()),
                f.marginal() <= 400 ? Status.MET : Status.NOT_MET)));
        return checks;
    }

    private static Check unmeasured(String target, String backend, boolean oneSide) {
        return new Check(target, backend, oneSide ? HALF : NOTHING, Status.NOT_MEASURED);
    }

    private static Check cacheHit(Results r, String backend) {
        String target = "cached load hit <= 1 us and >= 100x raw";
        Optional<Measurement> cached = r.find("loadByAccessToken", backend, Wrapping.CACHED.paramName());
        Optional<Measurement> raw = r.find("loadByAccessToken", backend, Wrapping.RAW.paramName());
        if (cached.isEmpty() || raw.isEmpty()) {
            return unmeasured(target, backend, cached.isPresent() || raw.isPresent());
        }
        double us = cached.get().microsPerOp();
        double x = cached.get().opsPerSec() / raw.get().opsPerSec();
        return new Check(target, backend, String.format(Locale.ROOT, "%.2f us, %.0fx raw", us, x),
                us <= 1.0 && x >= 100 ? Status.MET : Status.NOT_MET);
    }

    /**
     * Group commit with 16 writers against raw with 16 writers; next to it, the engine's own ceiling
     * for this: a hand-written 16-row transaction per row against a single-row autocommit (JDBC floor).
     */
    private static Check groupCommit(Results r, String backend) {
        Check check = ratio(r, "group commit store16 >= 3x raw store16", backend,
                "store16", Wrapping.GROUP_COMMIT, "store16", Wrapping.RAW, 3.0, true);
        Optional<Measurement> batch16 = r.find("batchInsert16", backend, Measurement.FLOOR);
        Optional<Measurement> insert = r.find("insert", backend, Measurement.FLOOR);
        if (check.status() == Status.NOT_MEASURED || batch16.isEmpty() || insert.isEmpty()) {
            return check;
        }
        return new Check(check.target(), backend, check.measured() + String.format(Locale.ROOT,
                "; engine ceiling: JDBC 16-row txn %.2fx single insert",
                batch16.get().opsPerSec() / insert.get().opsPerSec()), check.status());
    }

    private static Check writeBehind(Results r, String backend) {
        String target = "write-behind incl. flush >= 80% of raw executeBatch";
        Optional<Measurement> wb = r.find("loopStore1000", backend, Wrapping.BUFFERED.paramName());
        Optional<Measurement> bulk = r.find("bulkStore1000", backend, Wrapping.RAW.paramName());
        Optional<Measurement> jdbc = r.find("batchInsert1000", backend, Measurement.FLOOR);
        if (wb.isEmpty() || bulk.isEmpty()) {
            return unmeasured(target, backend, wb.isPresent() || bulk.isPresent());
        }
        double vsBulk = wb.get().opsPerSec() / bulk.get().opsPerSec();
        String text = String.format(Locale.ROOT, "%.0f%% of bulkStore1000", 100 * vsBulk)
                + jdbc.map(j -> String.format(Locale.ROOT, ", %.0f%% of JDBC batch", 100 * wb.get().opsPerSec() / j.opsPerSec()))
                        .orElse("");
        return new Check(target, backend, text, vsBulk >= 0.8 ? Status.MET : Status.NOT_MET);
    }

    private static Check ratio(Results r, String target, String backend, String op, Wrapping wrapping, String baseOp,
            Wrapping baseWrapping, double atLeast, boolean higherIsBetter) {
        Optional<Measurement> m = r.find(op, backend, wrapping.paramName());
        Optional<Measurement> base = r.find(baseOp, backend, baseWrapping.paramName());
        if (m.isEmpty() || base.isEmpty()) {
            return unmeasured(target, backend, m.isPresent() || base.isPresent());
        }
        double x = m.get().opsPerSec() / base.get().opsPerSec();
        return new Check(target, backend, String.format(Locale.ROOT, "%.2fx", x),
                (higherIsBetter ? x >= atLeast : x <= atLeast) ? Status.MET : Status.NOT_MET);
    }

    private static Check floorRatio(Results r, String target, String backend, String storeOp, String floorOp) {
        Optional<Measurement> raw = r.find(storeOp, backend, Wrapping.RAW.paramName());
        Optional<Measurement> floor = r.find(floorOp, backend, Measurement.FLOOR);
        if (raw.isEmpty() || floor.isEmpty()) {
            return unmeasured(target, backend, raw.isPresent() || floor.isPresent());
        }
        double slower = floor.get().opsPerSec() / raw.get().opsPerSec();
        return new Check(target, backend, String.format(Locale.ROOT, "JDBC %.2fx faster", slower),
                slower <= 1.5 ? Status.MET : Status.NOT_MET);
    }
}
