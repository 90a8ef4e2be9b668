package dev.tokenstore.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.StoredSession;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StoreFixtureTest {

    @Test
    void memoryFixtureIsPreloadedWithFindableSessions() {
        try (StoreFixture f = StoreFixture.open(Backend.MEMORY, Wrapping.RAW, 2_000, 1L)) {
            assertEquals(2_000, f.size());
            assertTrue(f.store().loadSessionByAccessToken(f.accessToken(1_999)).isPresent());
            assertTrue(f.store().loadSessionById(f.sessionId(0)).isPresent());
            assertTrue(f.store().loadSessionByRefreshToken(f.refreshToken(7)).isPresent());
            assertFalse(f.store().loadSessionByAccessToken("at-unknown").isPresent());
        }
    }

    @Test
    void sqliteFixtureOpensThroughTheProviderWithBulkAndEveryWrapping() {
        for (Wrapping w : Wrapping.values()) {
            try (StoreFixture f = StoreFixture.open(Backend.SQLITE, w, 300, 2L, StoreFixture.Lookup.ACCESS_TOKEN)) {
                assertTrue(f.store().loadSessionByAccessToken(f.accessToken(299)).isPresent(), w.paramName());
                f.bulk().bulkDeleteSessionsByHash(java.util.List.of(
                        dev.tokenstore.TokenHash.sha256Hex(f.accessToken(0))));
                f.store().storeSession(new SessionFactory(3).session(Instant.now()));
                f.flush();
                assertFalse(f.store().loadSessionByAccessToken(f.accessToken(0)).isPresent(), w.paramName());
            }
        }
    }

    @Test
    void sessionsLookLikeRealOnes() {
        SessionFactory factory = new SessionFactory(42);
        Instant now = Instant.now();
        StoredSession a = factory.session(now);
        StoredSession b = factory.session(now);
        assertEquals(46, a.accessToken().length(), "at- and 43 base64url characters of 32 random bytes");
        assertNotEquals(a.accessToken(), b.accessToken());
        assertTrue(a.isAccessLive(now) && a.isRefreshLive(now));
        assertTrue(factory.expiredSession(now).isFullyExpired(now));
        assertEquals(new SessionFactory(42).session(now).accessToken(), a.accessToken(), "seeded, so repeatable");
    }
}
