package dev.tokenstore.jmh;

import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.cache.CachingTokenStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openjdk.jol.info.GraphLayout;

/**
 * Measures the cache's memory per cached session with JOL: a cache with room for exactly N
 * entries, over an in-memory store holding N sessions, after N loads by access token. The cache's
 * object graph minus the store's (which holds the records themselves, shared with the cache)
 * divided by N gives the cache's overhead per session, fixed structures included; the growth
 * over the empty cache divided by N gives the marginal cost of one more entry.
 */
final class CacheFootprint {

    /**
     * @param total    bytes of cache-only objects per cached session, fixed structures included
     * @param marginal bytes added per cached session over the empty cache
     * @param sessions how many sessions were cached
     */
    record Result(double total, double marginal, int sessions) {
    }

    static {
        // JDK 17 keeps java.base closed to reflection; JOL then finds field offsets its own way
        if (System.getProperty("jol.magicFieldOffset") == null) {
            System.setProperty("jol.magicFieldOffset", "true");
        }
    }

    private CacheFootprint() {
    }

    /** {@link #measure}, or empty (with the reason on stderr) if JOL cannot walk the heap. */
    static Optional<Result> measureQuietly(int sessions) {
        try {
            return Optional.of(measure(sessions));
        } catch (RuntimeException | LinkageError e) {
            System.err.println("cache footprint not measured: " + e);
            return Optional.empty();
        }
    }

    static Result measure(int sessions) {
        InMemoryTokenStore delegate = new InMemoryTokenStore();
        List<StoredSession> records = new SessionFactory(StoreState.SEED).sessions(Instant.now(), sessions);
        records.forEach(delegate::storeSession);
        try (CachingTokenStore cache = CachingTokenStore.builder(delegate).maxEntries(sessions).build()) {
            long empty = GraphLayout.parseInstance(cache).subtract(GraphLayout.parseInstance(delegate)).totalSize();
            for (StoredSession s : records) {
                cache.loadSessionByAccessToken(s.accessToken()).orElseThrow();
            }
            for (StoredSession s : records) {
                cache.loadSessionByAccessToken(s.accessToken()).orElseThrow(); // all hits now
            }
            long full = GraphLayout.parseInstance(cache).subtract(GraphLayout.parseInstance(delegate)).totalSize();
            if (cache.stats().hits() < sessions) {
                throw new IllegalStateException("the cache did not keep the sessions: " + cache.stats());
            }
            return new Result((double) full / sessions, (double) (full - empty) / sessions, sessions);
        }
    }
}
