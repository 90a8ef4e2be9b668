package dev.tokenstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

@DisplayName("CachingTokenStore.Builder")
class BuilderTest {
    private final TestClock clock = new TestClock();
    private final ForwardingStore delegate = new ForwardingStore(new InMemoryTokenStore(clock));

    private static void rejects(String field, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(field + " "), "message names " + field + ": " + e.getMessage());
    }

    @Test
    @DisplayName("each bad option is rejected at once, naming it")
    void badOptions() {
        rejects("delegate", () -> CachingTokenStore.builder(null));
        CachingTokenStore.Builder b = CachingTokenStore.builder(delegate);
        rejects("maxEntries", () -> b.maxEntries(0));
        rejects("maxEntries", () -> b.maxEntries(-5));
        rejects("ttlCap", () -> b.ttlCap(Duration.ofSeconds(-1)));
        rejects("ttlCap", () -> b.ttlCap(null));
        rejects("skew", () -> b.skew(Duration.ofMillis(-1)));
        rejects("negativeTtl", () -> b.negativeTtl(Duration.ofSeconds(-2)));
        rejects("refreshAfter", () -> b.refreshAfter(Duration.ZERO));
        rejects("refreshAfter", () -> b.refreshAfter(Duration.ofMinutes(-1)));
        rejects("refreshExecutor", () -> b.refreshExecutor(null));
        rejects("clock", () -> b.clock(null));
        rejects("serveHitsWhileDatabaseUnavailable", () -> b.serveHitsWhileDatabaseUnavailable(Duration.ofSeconds(-1)));
        rejects("serveHitsWhileDatabaseUnavailable", () -> b.serveHitsWhileDatabaseUnavailable(null));
        rejects("serveHitsWhileDatabaseUnavailable", () -> CachingTokenStore.builder(delegate).clock(clock)
                .maxStaleness(Duration.ofSeconds(2)).serveHitsWhileDatabaseUnavailable(Duration.ofSeconds(2)).build());
    }

    @Test
    @DisplayName("serving hits through an outage is off unless chosen, and then bounded by the duration chosen")
    void outageServingIsAChoice() {
        try (CachingTokenStore cached = CachingTokenStore.builder(delegate).clock(clock).build()) {
            assertEquals(Duration.ZERO, cached.serveHitsWhileDatabaseUnavailable());
            assertEquals(Duration.ofSeconds(1), cached.maxStaleness());
        }
        try (CachingTokenStore cached = CachingTokenStore.builder(delegate).clock(clock)
                .serveHitsWhileDatabaseUnavailable(Duration.ofSeconds(30)).build()) {
            assertEquals(Duration.ofSeconds(30), cached.serveHitsWhileDatabaseUnavailable());
            assertTrue(cached.toString().contains("serveHitsWhileDatabaseUnavailable=PT30S"), cached.toString());
        }
    }

    @Test
    @DisplayName("defaults build a working cache over a plain store, with no capabilities it does not have")
    void defaults() {
        try (CachingTokenStore cached = CachingTokenStore.builder(delegate).clock(clock).build()) {
            assertFalse(cached.features().bulk().isPresent());
            assertFalse(cached.features().transactions().isPresent());
            StoredSession s = Sessions.session(clock, "u1");
            cached.storeSession(s);
            assertEquals(Optional.of(s), cached.loadSessionById(s.sessionId()));
            assertEquals(Optional.of(s), cached.loadSessionById(s.sessionId()));
            assertEquals(1, delegate.sessionReads.get());
            assertTrue(cached.toString().contains("ttlCap=PT5M"));
            assertTrue(cached.toString().contains("maxEntries=100000"));
            assertEquals(delegate, cached.delegate());
        }
    }

    @Test
    @DisplayName("ttlCap zero caches nothing: every read reaches the delegate")
    void zeroTtlCapDisablesCaching() {
        try (CachingTokenStore cached = CachingTokenStore.builder(delegate).clock(clock).ttlCap(Duration.ZERO).build()) {
            StoredSession s = Sessions.session(clock, "u1");
            cached.storeSession(s);
            cached.storeClient(Sessions.client(clock, "c1", "One"));
            for (int i = 0; i < 3; i++) {
                assertEquals(Optional.of(s), cached.loadSessionByAccessToken(s.accessToken()));
                assertTrue(cached.loadClient("c1").isPresent());
                assertEquals(Optional.empty(), cached.loadSessionById("sid-missing"));
            }
            assertEquals(6, delegate.sessionReads.get());
            assertEquals(3, delegate.clientReads.get());
        }
    }

    @Test
    @DisplayName("negativeTtl zero does not remember misses")
    void zeroNegativeTtl() {
        try (CachingTokenStore cached = CachingTokenStore.builder(delegate).clock(clock).negativeTtl(Duration.ZERO).build()) {
            cached.loadSessionById("sid-missing");
            cached.loadSessionById("sid-missing");
            assertEquals(2, delegate.sessionReads.get());
            assertEquals(0, cached.stats().negativeHits());
        }
    }

    @Test
    @DisplayName("close closes the delegate and is idempotent")
    void closeClosesDelegate() {
        CachingTokenStore cached = CachingTokenStore.builder(delegate).clock(clock).refreshAfter(Duration.ofMinutes(1)).build();
        cached.close();
        cached.close();
        assertThrows(IllegalStateException.class, () -> delegate.loadSessionById("sid"));
        assertThrows(IllegalStateException.class, () -> cached.consumeState("state"));
    }
}
