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
import org.openjdk.jmh.annotations.Setup;

/**
 * {@code cleanupExpired()} on a session table of {@code preload} rows of which half have expired:
 * the trial preloads {@code preload/2} live sessions and, before each (single-shot) iteration,
 * {@code preload/2} expired ones are stored again, untimed. One operation removes them all.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CleanupBenchmark extends StoreState {
    private final SessionFactory factory = new SessionFactory(SEED * 13);

    @Override
    int preloadCount() {
        return preload / 2;
    }

    @Setup(Level.Iteration)
    public void addExpired() {
        Instant now = Instant.now();
        int count = preload - preload / 2;
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
        if (result.sessions() < preload - preload / 2) {
            throw new IllegalStateException("cleanupExpired removed " + result.sessions() + " sessions, expected "
                    + (preload - preload / 2));
        }
        return result;
    }
}
