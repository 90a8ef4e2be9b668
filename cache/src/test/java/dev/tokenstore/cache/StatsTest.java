package dev.tokenstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.testing.TestClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CacheStats")
class StatsTest {
    private final TestClock clock = new TestClock();
    private final ForwardingStore delegate = new ForwardingStore(new InMemoryTokenStore(clock));

    @Test
    @DisplayName("hitRate is the share of lookups answered from memory, 0 with no lookups")
    void hitRate() {
        assertEquals(0.0, new CacheStats(0, 0, 0, 0, 0, 0, 0, 0).hitRate());
        assertEquals(0, new CacheStats(0, 0, 0, 0, 0, 0, 0, 0).loadNanos(), "no timing given");
        CacheStats s = new CacheStats(6, 2, 2, 4, 0, 0, 0, 3);
        assertEquals(10, s.requestCount());
        assertEquals(0.8, s.hitRate(), 1e-9);
    }

    @Test
    @DisplayName("every counter moves with what the cache did")
    void counters() {
        try (CachingTokenStore cached = CachingTokenStore.builder(delegate).clock(clock).maxEntries(10).build()) {
            StoredSession s = Sessions.session(clock, "u1");
            cached.storeSession(s);                                  // 3 invalidations (id, access and refresh hash)
            cached.loadSessionByAccessToken(s.accessToken());        // miss + load
            cached.loadSessionByAccessToken(s.accessToken());        // hit
            cached.loadSessionById("sid-missing");                   // miss + load (negative)
            cached.loadSessionById("sid-missing");                   // negative hit
            cached.deleteSessionById(s.sessionId());                 // 1 invalidation
            cached.deleteSessionsByUser("u1");                       // 1 invalidation
            cached.deleteSessionByAccessToken(s.accessToken());      // 1 invalidation
            cached.storeClient(Sessions.client(clock, "c1", "C"));   // 1 invalidation
            cached.deleteClient("c1");                               // 1 invalidation
            delegate.failReads.set(new dev.tokenstore.TokenStoreException("down (test)"));
            try {
                cached.loadSessionById("sid-other");
            } catch (dev.tokenstore.TokenStoreException expected) {
                // counted as a load failure
            }
            delegate.failReads.set(null);
            CacheStats stats = cached.stats();
            assertEquals(1, stats.hits());
            assertEquals(1, stats.negativeHits());
            assertEquals(3, stats.misses());
            assertEquals(2, stats.loads());
            assertEquals(1, stats.loadFailures());
            assertEquals(8, stats.invalidations());
            assertEquals(0, stats.evictions());
            assertTrue(stats.loadNanos() > 0, "three loads took some time");

            List<StoredSession> many = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                StoredSession m = Sessions.session(clock, "u" + i);
                cached.storeSession(m);
                many.add(m);
                cached.loadSessionById(m.sessionId());
            }
            CacheStats after = cached.stats();
            assertTrue(after.entries() <= 10, "entries " + after.entries());
            assertTrue(after.evictions() >= 40, "evictions " + after.evictions());
        }
    }
}
