package dev.tokenstore.jmh;

import dev.tokenstore.CleanupResult;
import dev.tokenstore.StoredSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@code cleanupExpired()} on a session table of {@code preload} rows of which {@code expired} (or
 * {@code expiredPercent} percent) have expired (by default half): the trial preloads the live
 * sessions and, before each (single-shot) iteration, the expired ones are stored again, untimed. One operation removes them all. The
 * scaling run ({@code --scale}) keeps {@code expired} fixed while the table grows, so the cost per
 * expired row shows whether cleanup stays an index range scan.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CleanupBenchmark extends StoreState {
    private final SessionFactory factory = new SessionFactory(SEED * 13);

    /** Expired sessions per call; 0 for half of {@code preload} (or {@link #expiredPercent} of it). */
    @Param({"0"})
    public int expired;

    /**
     * With {@code expired=0}: this percentage of {@code preload} expired per call (0: half). A
     * cleanup that runs every interval I over sessions that live L finds about I/L of the table
     * expired whatever its size, so a fixed share is the steady state; a fixed count over a growing
     * table (the scaling run) is the harder case for random-key indexes.
     */
    @Param({"0"})
    public int expiredPercent;

    int expiredCount() {
        if (expired > 0) {
            return Math.min(expired, preload - 1);
        }
        if (expiredPercent < 0 || expiredPercent > 99) {
            throw new IllegalArgumentException("expiredPercent must be 0..99, was " + expiredPercent);
        }
        return expiredPercent > 0 ? Math.max(1, (int) ((long) preload * expiredPercent / 100))
                : preload - preload / 2;
    }

    @Override
    int preloadCount() {
        return preload - expiredCount();
    }

    @Setup(Level.Iteration)
    public void addExpired() {
        Instant now = Instant.now();
        int count = expiredCount();
        for (int start = 0; start < count; start += StoreFixture.PRELOAD_CHUNK) {
            int n = Math.min(StoreFixture.PRELOAD_CHUNK, count - start);
            List<StoredSession> chunk = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                chunk.add(factory.expiredSession(now));
            }
            StoreFixture.storeAll(fixture.raw(), chunk);
        }
    }

    @Benchmark
    public CleanupResult cleanupExpired() {
        CleanupResult result = store.cleanupExpired();
        if (result.sessions() < expiredCount()) {
            throw new IllegalStateException("cleanupExpired removed " + result.sessions() + " sessions, expected "
                    + expiredCount());
        }
        return result;
    }
}
