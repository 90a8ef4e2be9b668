package dev.tokenstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.testing.TestClock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("capabilities of the delegate pass through and keep the cache coherent")
class CapabilityTest {
    private final TestClock clock = new TestClock();

    private CachingTokenStore cache(TokenStore delegate) {
        return CachingTokenStore.builder(delegate).clock(clock).build();
    }

    private static void warm(TokenStore store, StoredSession s) {
        assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
        assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
    }

    private static void assertFound(TokenStore store, StoredSession s) {
        warm(store, s);
    }

    private static void assertGone(TokenStore store, StoredSession s) {
        assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.empty(), store.loadSessionById(s.sessionId()));
        assertEquals(Optional.empty(), store.loadSessionByRefreshToken(s.refreshToken()));
    }

    @Test
    @DisplayName("instanceof the wrapper matches instanceof the delegate for every combination, also when stacked")
    void mirrors() {
        TokenStore plain = new ForwardingStore(new InMemoryTokenStore(clock));
        TokenStore bulk = new ForwardingStore.Bulk(new InMemoryTokenStore(clock));
        TokenStore tx = new ForwardingStore.Transactional(new InMemoryTokenStore(clock));
        TokenStore both = new ForwardingStore.BulkTransactional(new InMemoryTokenStore(clock));
        for (TokenStore delegate : List.of(plain, bulk, tx, both)) {
            try (CachingTokenStore cached = cache(delegate); CachingTokenStore stacked = cache(cache(delegate))) {
                assertEquals(delegate.features().bulk().isPresent(), cached.features().bulk().isPresent());
                assertEquals(delegate.features().transactions().isPresent(), cached.features().transactions().isPresent());
                assertEquals(delegate.features().bulk().isPresent(), stacked.features().bulk().isPresent());
                assertEquals(delegate.features().transactions().isPresent(), stacked.features().transactions().isPresent());
            }
        }
    }

    @Test
    @DisplayName("bulk store and bulk delete invalidate every path of the sessions they touch")
    void bulk() {
        ForwardingStore.Bulk delegate = new ForwardingStore.Bulk(new InMemoryTokenStore(clock));
        try (CachingTokenStore cached = cache(delegate)) {
            BulkSessionStore bulk = cached.features().bulk().orElseThrow();
            StoredSession a = Sessions.session(clock, "u1");
            StoredSession b = Sessions.session(clock, "u2");
            assertGone(cached, a);                     // misses are remembered
            bulk.bulkStoreSessions(List.of(a, b));
            assertFound(cached, a);
            warm(cached, b);
            StoredSession a2 = Sessions.rotated(a);
            bulk.bulkStoreSessions(List.of(a2));
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(a.accessToken()));
            assertFound(cached, a2);
            assertEquals(1, bulk.bulkDeleteSessionsByHash(List.of(b.accessTokenHash())));
            assertGone(cached, b);
            assertFound(cached, a2);
        }
    }

    @Test
    @DisplayName("writes inside inTransaction invalidate after it ends; reads inside see the transaction, not the cache")
    void transaction() {
        ForwardingStore.Transactional delegate = new ForwardingStore.Transactional(new InMemoryTokenStore(clock));
        try (CachingTokenStore cached = cache(delegate)) {
            StoredSession s = Sessions.session(clock, "u1");
            StoredSession other = Sessions.session(clock, "u2");
            cached.storeSession(s);
            cached.storeSession(other);
            warm(cached, s);
            warm(cached, other);
            StoredSession rotated = Sessions.rotated(s);
            Optional<StoredSession> inside = cached.features().transactions().orElseThrow().inTransaction(tx -> {
                tx.storeSession(rotated);
                tx.deleteSessionsByUser("u2");
                return tx.loadSessionById(s.sessionId());
            });
            assertEquals(Optional.of(rotated), inside);
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(s.accessToken()));
            assertFound(cached, rotated);
            assertGone(cached, other);
        }
    }

    @Test
    @DisplayName("a transaction whose work throws still invalidates what it wrote (this delegate cannot roll back)")
    void failedTransaction() {
        ForwardingStore.Transactional delegate = new ForwardingStore.Transactional(new InMemoryTokenStore(clock));
        try (CachingTokenStore cached = cache(delegate)) {
            StoredSession s = Sessions.session(clock, "u1");
            cached.storeSession(s);
            warm(cached, s);
            StoredSession rotated = Sessions.rotated(s);
            IllegalStateException boom = new IllegalStateException("work failed (test)");
            assertSame(boom, assertThrows(IllegalStateException.class,
                    () -> cached.features().transactions().orElseThrow().inTransaction(tx -> {
                        tx.storeSession(rotated);
                        tx.storeClient(Sessions.client(clock, "c1", "C"));
                        throw boom;
                    })));
            assertEquals(delegate.inner.loadSessionById(s.sessionId()), cached.loadSessionById(s.sessionId()));
            assertEquals(Optional.empty(), cached.loadSessionByAccessToken(s.accessToken()));
            assertTrue(cached.loadClient("c1").isPresent());
        }
    }

    @Test
    @DisplayName("a plain delegate gives a plain cache")
    void plain() {
        try (CachingTokenStore cached = cache(new ForwardingStore(new InMemoryTokenStore(clock)))) {
            assertFalse(cached.features().bulk().isPresent());
            assertFalse(cached.features().transactions().isPresent());
            assertFalse(cached.features().changeFeed().isPresent());
            assertEquals(CachingTokenStore.class, cached.getClass());
        }
        try (CachingTokenStore cached = cache(new InMemoryTokenStore(clock))) {
            assertTrue(cached.features().changeFeed().isPresent(), "the memory store's feed passes through");
            assertFalse(cached.features().bulk().isPresent());
            assertTrue(cached.followsChangeFeed());
        }
    }
}
