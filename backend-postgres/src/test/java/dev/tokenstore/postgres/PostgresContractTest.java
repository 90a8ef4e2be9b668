package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.testing.TestRecords;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@link TokenStore} contract on PostgreSQL, until the TCK runs it over every backend. */
class PostgresContractTest extends PostgresFixture {

    @Test
    void statesAndCodesAreReturnedOnceAndExpire() {
        TokenStore store = open();
        StateRecord state = data.state(Duration.ofMinutes(10));
        AuthCodeRecord code = data.code(Duration.ofMinutes(1));
        store.storeState(state);
        store.storeAuthCode(code);
        assertEquals(Optional.of(state), store.consumeState(state.state()));
        assertEquals(Optional.empty(), store.consumeState(state.state()));
        assertEquals(Optional.of(code), store.consumeAuthCode(code.code()));
        assertEquals(Optional.empty(), store.consumeAuthCode(code.code()));
        AuthCodeRecord expiring = data.code(Duration.ofMinutes(1));
        store.storeAuthCode(expiring);
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), store.consumeAuthCode(expiring.code()), "expiry is exclusive");
        assertEquals(CleanupResult.NONE, store.cleanupExpired(), "the expired consume removed the row");
    }

    @Test
    void sessionsAreFoundByEveryKeyWhileLiveThenCleanedUp() {
        TokenStore store = open();
        StoredSession s = data.session("ada");
        store.storeSession(s);
        assertEquals(Optional.of(s), store.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
        assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
        assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.refreshToken()), "keys do not mix");
        clock.advance(Duration.ofHours(1));
        assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.empty(), store.loadSessionById(s.sessionId()));
        assertEquals(Optional.of(s), store.loadSessionByRefreshToken(s.refreshToken()));
        assertEquals(CleanupResult.NONE, store.cleanupExpired(), "a live refresh token keeps the session");
        clock.advance(Duration.ofDays(30));
        assertEquals(new CleanupResult(0, 0, 1), store.cleanupExpired());
    }

    @Test
    void replacingASessionDropsItsOldTokensAndAnotherSessionsTokenIsRefused() {
        TokenStore store = open();
        StoredSession s = data.session("ada");
        store.storeSession(s);
        StoredSession rotated = data.rotated(s);
        store.storeSession(rotated);
        assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.accessToken()));
        assertEquals(Optional.empty(), store.loadSessionByRefreshToken(s.refreshToken()));
        assertEquals(Optional.of(rotated), store.loadSessionById(s.sessionId()));
        StoredSession thief = TestRecords.withTokens(data.session("eve"), rotated.accessToken(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.storeSession(thief));
        assertTrue(e.getMessage().contains("accessToken"), e.getMessage());
        assertEquals(Optional.empty(), store.loadSessionById(thief.sessionId()));
    }

    @Test
    void deletesAndRevocation() {
        TokenStore store = open();
        StoredSession a1 = data.session("ada");
        StoredSession a2 = data.session("ada");
        StoredSession a3 = data.session("ada");
        StoredSession b = data.session("bob");
        List.of(a1, a2, a3, b).forEach(store::storeSession);
        assertTrue(store.deleteSessionByAccessToken(a1.accessToken()));
        assertFalse(store.deleteSessionByAccessToken(a1.accessToken()));
        assertTrue(store.deleteSessionById(a2.sessionId()));
        assertFalse(store.deleteSessionById(a2.sessionId()));
        assertEquals(1, store.deleteSessionsByUser("ada"));
        assertEquals(Optional.of(b), store.loadSessionById(b.sessionId()));
    }

    @Test
    void clientsAreListedInIdOrder() {
        TokenStore store = open();
        ClientRecord z = data.client("zeta");
        ClientRecord a = data.client("alpha");
        ClientRecord pub = new ClientRecord("Public", null, "none", List.of(), List.of(), List.of(), null, null,
                data.now());
        List.of(z, a, pub).forEach(store::storeClient);
        assertEquals(List.of(pub, a, z), store.listClients());
        ClientRecord z2 = data.client("zeta");
        store.storeClient(z2);
        assertEquals(Optional.of(z2), store.loadClient("zeta"));
        assertTrue(store.deleteClient("zeta"));
        assertFalse(store.deleteClient("zeta"));
        assertEquals(Optional.empty(), store.loadClient("zeta"));
    }

    @Test
    void bulkStoreWithRepeatsEndsLikeLoopingSingleCalls() {
        TokenStore bulk = open();
        TokenStore loop = open(b -> b.property("jdbc.tablePrefix", "loop_"));
        StoredSession existing = data.session("ada");
        bulk.storeSession(existing);
        loop.storeSession(existing);
        StoredSession first = data.session("bob");
        StoredSession heir = TestRecords.withTokens(data.session("heir"), existing.accessToken(), null);
        List<StoredSession> batch = List.of(first, data.rotated(existing), heir, data.rotated(first));
        ((BulkSessionStore) bulk).bulkStoreSessions(batch);
        batch.forEach(loop::storeSession);
        for (StoredSession s : List.of(existing, first, heir)) {
            assertEquals(loop.loadSessionById(s.sessionId()), bulk.loadSessionById(s.sessionId()));
            assertEquals(loop.loadSessionByAccessToken(s.accessToken()), bulk.loadSessionByAccessToken(s.accessToken()));
        }
        assertEquals(Optional.of(heir), bulk.loadSessionByAccessToken(existing.accessToken()));
        assertEquals(2, ((BulkSessionStore) bulk).bulkDeleteSessionsByHash(
                List.of(heir.accessTokenHash(), first.accessTokenHash(), batch.get(3).accessTokenHash())));
    }

    @Test
    void inTransactionCommitsOrRollsBackEverything() {
        TokenStore store = open();
        TransactionalTokenStore tx = (TransactionalTokenStore) store;
        StoredSession kept = data.session("ada");
        store.storeSession(kept);
        StateRecord state = data.state(Duration.ofMinutes(5));
        store.storeState(state);
        StoredSession lost = data.session("eve");
        IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> tx.inTransaction(t -> {
            t.storeSession(lost);
            assertTrue(t.deleteSessionById(kept.sessionId()));
            assertEquals(Optional.of(state), t.consumeState(state.state()));
            throw boom;
        })));
        assertEquals(Optional.empty(), store.loadSessionById(lost.sessionId()));
        assertEquals(Optional.of(kept), store.loadSessionById(kept.sessionId()));
        assertEquals("ok", tx.inTransaction(t -> {
            t.storeSession(lost);
            return "ok";
        }));
        assertEquals(Optional.of(lost), store.loadSessionById(lost.sessionId()));
        assertEquals(Optional.of(state), store.consumeState(state.state()), "the rolled-back consume took nothing");
    }

    @Test
    void badInputFailsFastAndAClosedStoreRefusesCalls() {
        TokenStore store = open();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.consumeState(" "));
        assertTrue(e.getMessage().contains("state"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.storeSession(null));
        assertThrows(IllegalArgumentException.class, () -> store.loadSessionById(""));
        store.close();
        assertDoesNotThrow(store::close);
        assertThrows(IllegalStateException.class, () -> store.loadClient("x"));
        assertThrows(IllegalStateException.class, store::cleanupExpired);
    }
}
