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
 * between N/2 and N cached sessions, divided by N/2, gives the marginal cost of one more entry.
 */
public final class CacheFootprint {

    /**
     * @param total    bytes of cache-only objects per cached session, fixed structures included
     * @param marginal bytes added per cached session from half full to full
     * @param sessions how many sessions were cached
     */
    public record Result(double total, double marginal, int sessions) {
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
    public static Optional<Result> measureQuietly(int sessions) {
        try {
            return Optional.of(measure(sessions));
        } catch (RuntimeException | LinkageError e) {
            System.err.println("cache footprint not measured: " + e);
            return Optional.empty();
        }
    }

    /**
     * Caches {@code sessions} sessions in two halves in a cache sized for all of them. The marginal
     * cost is the growth from the first half to the second, so anything allocated once on first
     * use (a lazily started thread, a table's first growth) is not counted per entry; the total is
     * everything the cache holds beyond the store, divided by the sessions cached.
     */
    public static Result measure(int sessions) {
        int half = sessions / 2;
        InMemoryTokenStore delegate = new InMemoryTokenStore();
        List<StoredSession> records = new SessionFactory(StoreState.SEED).sessions(Instant.now(), 2 * half);
        records.forEach(delegate::storeSession);
        // Not subscribed to the store's change feed: the store would then reference the cache, and
        // subtracting the store's graph would subtract the cache's too.
        try (CachingTokenStore cache = CachingTokenStore.builder(delegate).maxEntries(2L * half).changeFeed(false)
                .build()) {
            load(cache, records.subList(0, half));
            long first = cacheOnly(cache, delegate);
            load(cache, records.subList(half, 2 * half));
            long full = cacheOnly(cache, delegate);
            if (cache.stats().hits() < 2L * half) {
                throw new IllegalStateException("the cache did not keep the sessions: " + cache.stats());
            }
            return new Result((double) full / (2 * half), (double) (full - first) / half, 2 * half);
        }
    }

    /** Loads each session twice by access token: a miss that caches it, then a hit. */
    private static void load(CachingTokenStore cache, List<StoredSession> sessions) {
        for (StoredSession s : sessions) {
            cache.loadSessionByAccessToken(s.accessToken()).orElseThrow();
        }
        for (StoredSession s : sessions) {
            cache.loadSessionByAccessToken(s.accessToken()).orElseThrow();
        }
    }

    /** Bytes reachable from the cache but not from the store under it (which holds the records). */
    private static long cacheOnly(CachingTokenStore cache, InMemoryTokenStore delegate) {
        return GraphLayout.parseInstance(cache).subtract(GraphLayout.parseInstance(delegate)).totalSize();
    }
}
