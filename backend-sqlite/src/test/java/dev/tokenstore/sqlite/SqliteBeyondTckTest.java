package dev.tokenstore.sqlite;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.testing.TestRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Contract details the TCK does not check yet, on SQLite: tokens never found under the other key,
 * long profile numbers, revoking expired sessions, client order, field names in errors, IN-list
 * chunks in bulk delete, conflicts inside one batch, transaction views and a closed store.
 * Everything else of the contract is the TCK's (tck/.../run/SqliteTckTest).
 */
class SqliteBeyondTckTest extends SqliteFixture {

    @Test
    void anAccessTokenDoesNotFindTheSessionAsARefreshTokenNorTheOtherWayRound() {
        TokenStore store = open();
        StoredSession s = data.session("ada");
        store.storeSession(s);
        assertEquals(Optional.empty(), store.loadSessionByAccessToken(s.refreshToken()), "keys do not mix");
        assertEquals(Optional.empty(), store.loadSessionByRefreshToken(s.accessToken()));
    }

    @Test
    void aProfileKeepsLongsBeyondIntAndNullValues() {
        TokenStore store = open();
        StoredSession s = data.session("sid-plain", "bob", Duration.ofMinutes(5), null);
        store.storeSession(s);
        StoredSession loaded = store.loadSessionByAccessToken(s.accessToken()).orElseThrow();
        assertEquals(s.userInfo().rawProfile(), loaded.userInfo().rawProfile());
        assertEquals(12345678901L, loaded.userInfo().rawProfile().get("big"));
        assertTrue(loaded.userInfo().rawProfile().containsKey("bio"));
    }

    @Test
    void revokingAUserAlsoRemovesTheirExpiredSessions() {
        TokenStore store = open();
        StoredSession a1 = data.session("ada");
        StoredSession a2 = data.session("ada");
        StoredSession b = data.session("bob");
        List.of(a1, a2, b).forEach(store::storeSession);
        clock.advance(Duration.ofHours(2)); // access expired, refresh still live
        assertEquals(2, store.deleteSessionsByUser("ada"));
        assertEquals(0, store.deleteSessionsByUser("ada"));
        assertEquals(Optional.empty(), store.loadSessionByRefreshToken(a1.refreshToken()));
        assertEquals(Optional.of(b), store.loadSessionByRefreshToken(b.refreshToken()));
    }

    @Test
    void clientsAreListedInCodePointOrderOfTheirIds() {
        TokenStore store = open();
        ClientRecord z = data.client("zeta");
        ClientRecord a = data.client("alpha");
        ClientRecord pub = new ClientRecord("Public", null, "none", List.of(), List.of(), List.of(), null, null,
                data.now());
        List.of(z, a, pub).forEach(store::storeClient);
        assertEquals(List.of(pub, a, z), store.listClients());
    }

    @Test
    void cleanupInChunksOfThreeCountsEveryKindExactly() {
        TokenStore store = open(b -> b.property("jdbc.cleanupChunkSize", "3"));
        List<StateRecord> liveStates = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            store.storeState(data.state(Duration.ofMinutes(1)));
            store.storeAuthCode(data.code(Duration.ofMinutes(1)));
            store.storeSession(data.session("s" + i, "u", Duration.ofMinutes(1), null));
            store.storeSession(data.session("r" + i, "u", Duration.ofMinutes(1), Duration.ofMinutes(2)));
            StateRecord live = data.state(Duration.ofHours(1));
            liveStates.add(live);
            store.storeState(live);
        }
        StoredSession live = data.session("ada");
        store.storeSession(live);
        clock.advance(Duration.ofMinutes(1));
        assertEquals(new CleanupResult(10, 10, 10), store.cleanupExpired());
        assertEquals(CleanupResult.NONE, store.cleanupExpired());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(new CleanupResult(0, 0, 10), store.cleanupExpired());
        assertEquals(Optional.of(live), store.loadSessionById(live.sessionId()));
        for (StateRecord s : liveStates) {
            assertEquals(Optional.of(s), store.consumeState(s.state()));
        }
    }

    @Test
    void badInputFailsFastNamingTheField() {
        TokenStore store = open();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.consumeState(" "));
        assertTrue(e.getMessage().contains("state"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.consumeAuthCode(null));
        assertThrows(IllegalArgumentException.class, () -> store.storeSession(null));
        assertThrows(IllegalArgumentException.class, () -> store.storeState(null));
        assertThrows(IllegalArgumentException.class, () -> store.storeClient(null));
        assertThrows(IllegalArgumentException.class, () -> store.loadSessionById(""));
        assertThrows(IllegalArgumentException.class, () -> store.deleteSessionsByUser(null));
        BulkSessionStore bulk = (BulkSessionStore) store;
        List<StoredSession> withNull = new ArrayList<>();
        withNull.add(data.session("ada"));
        withNull.add(null);
        e = assertThrows(IllegalArgumentException.class, () -> bulk.bulkStoreSessions(withNull));
        assertTrue(e.getMessage().contains("sessions[1]"), e.getMessage());
        assertEquals(Optional.empty(), store.loadSessionById(withNull.get(0).sessionId()));
        assertThrows(IllegalArgumentException.class, () -> bulk.bulkDeleteSessionsByHash(null));
    }

    @Test
    void bulkStoreAndChunkedBulkDeleteEndExactlyLikeLoopingSingleCalls() {
        TokenStore bulkStore = open();
        TokenStore loopStore = open(b -> b.url("jdbc:sqlite:" + dir.resolve("loop.db")));
        List<StoredSession> existing = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            existing.add(data.session("user" + (i % 3)));
        }
        existing.forEach(bulkStore::storeSession);
        existing.forEach(loopStore::storeSession);

        List<StoredSession> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(data.session("user" + (i % 4)));
        }
        StoredSession first = batch.get(3);
        StoredSession firstAgain = data.rotated(first);
        batch.add(firstAgain); // a later write of the same session wins
        StoredSession replacedExisting = data.rotated(existing.get(5));
        batch.add(replacedExisting);
        // takes the access token existing.get(5) just gave up, in the same batch
        StoredSession heir = TestRecords.withTokens(data.session("heir"), existing.get(5).accessToken(), null);
        batch.add(heir);

        ((BulkSessionStore) bulkStore).bulkStoreSessions(batch);
        batch.forEach(loopStore::storeSession);
        List<StoredSession> all = new ArrayList<>(existing);
        all.addAll(batch);
        assertSameSessions(all, bulkStore, loopStore);
        assertEquals(Optional.of(firstAgain), bulkStore.loadSessionById(first.sessionId()));
        assertEquals(Optional.of(heir), bulkStore.loadSessionByAccessToken(existing.get(5).accessToken()));

        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < 700; i++) { // more than one IN-list chunk
            hashes.add(TokenHash.sha256Hex(TestRecords.token()));
        }
        hashes.add(batch.get(0).accessTokenHash());
        hashes.add(batch.get(0).accessTokenHash());
        hashes.add(existing.get(0).accessTokenHash());
        hashes.add(first.accessTokenHash()); // replaced within the batch: no longer held
        assertEquals(2, ((BulkSessionStore) bulkStore).bulkDeleteSessionsByHash(hashes));
        assertTrue(loopStore.deleteSessionByAccessToken(batch.get(0).accessToken()));
        assertTrue(loopStore.deleteSessionByAccessToken(existing.get(0).accessToken()));
        assertFalse(loopStore.deleteSessionByAccessToken(first.accessToken()));
        assertSameSessions(all, bulkStore, loopStore);
        assertEquals(0, ((BulkSessionStore) bulkStore).bulkDeleteSessionsByHash(List.of()));
        ((BulkSessionStore) bulkStore).bulkStoreSessions(List.of());
    }

    @Test
    void bulkStoreIsAllOrNothingAlsoForAConflictInsideTheBatch() {
        TokenStore store = open();
        StoredSession holder = data.session("ada");
        store.storeSession(holder);
        StoredSession good = data.session("bob");
        StoredSession bad =
                TestRecords.withTokens(data.session("eve"), "at-" + TestRecords.token(), holder.refreshToken());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ((BulkSessionStore) store).bulkStoreSessions(List.of(good, bad)));
        assertTrue(e.getMessage().contains("refreshToken"), e.getMessage());
        assertEquals(Optional.empty(), store.loadSessionById(good.sessionId()));
        assertEquals(Optional.empty(), store.loadSessionById(bad.sessionId()));
        assertEquals(Optional.of(holder), store.loadSessionById(holder.sessionId()));

        // inside one batch too: a token taken by an earlier session of the batch
        StoredSession one = data.session("x");
        StoredSession two = TestRecords.withTokens(data.session("y"), one.accessToken(), null);
        e = assertThrows(IllegalArgumentException.class,
                () -> ((BulkSessionStore) store).bulkStoreSessions(List.of(one, two)));
        assertTrue(e.getMessage().contains("accessToken"), e.getMessage());
        assertEquals(Optional.empty(), store.loadSessionById(one.sessionId()));
    }

    @Test
    void inTransactionSeesItsOwnWritesAndRollsBackAConsume() {
        TokenStore store = open();
        TransactionalTokenStore tx = (TransactionalTokenStore) store;
        StoredSession s = data.session("bob");
        StateRecord state = data.state(Duration.ofMinutes(5));
        tx.inTransaction(t -> {
            t.storeSession(s);
            t.storeState(state);
            assertEquals(Optional.of(s), t.loadSessionById(s.sessionId()), "the work sees its own writes");
            return null;
        });
        IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> tx.inTransaction(t -> {
            assertEquals(Optional.of(state), t.consumeState(state.state()));
            throw boom;
        })));
        assertEquals(Optional.of(state), store.consumeState(state.state()), "the consume was rolled back");
    }

    @Test
    void inTransactionRefusesNestingAndOuterWritesAndOutlivedViews() {
        TokenStore store = open();
        TransactionalTokenStore tx = (TransactionalTokenStore) store;
        assertThrows(IllegalStateException.class, () -> tx.inTransaction(t -> tx.inTransaction(u -> null)));
        assertThrows(IllegalStateException.class, () -> tx.inTransaction(t -> {
            store.storeState(data.state(Duration.ofMinutes(1)));
            return null;
        }));
        TokenStore[] escaped = new TokenStore[1];
        tx.inTransaction(t -> escaped[0] = t);
        assertThrows(IllegalStateException.class, () -> escaped[0].loadClient("x"));
        assertTrue(tx.<Boolean>inTransaction(t -> t instanceof BulkSessionStore));
        StoredSession s = data.session("ada");
        tx.inTransaction(t -> {
            ((BulkSessionStore) t).bulkStoreSessions(List.of(s));
            return null;
        });
        assertEquals(Optional.of(s), store.loadSessionById(s.sessionId()));
    }

    @Test
    void closedStoreRefusesCalls() {
        TokenStore store = open();
        store.close();
        assertDoesNotThrow(store::close);
        assertThrows(IllegalStateException.class, () -> store.loadClient("x"));
        assertThrows(IllegalStateException.class, () -> store.storeState(data.state(Duration.ofMinutes(1))));
        assertThrows(IllegalStateException.class, store::cleanupExpired);
        assertThrows(IllegalStateException.class,
                () -> ((BulkSessionStore) store).bulkStoreSessions(List.of()));
        assertThrows(IllegalStateException.class, () -> ((TransactionalTokenStore) store).inTransaction(t -> 1));
    }

    static void assertSameSessions(List<StoredSession> everStored, TokenStore a, TokenStore b) {
        for (StoredSession s : everStored) {
            assertEquals(b.loadSessionById(s.sessionId()), a.loadSessionById(s.sessionId()), "by id");
            assertEquals(b.loadSessionByAccessToken(s.accessToken()), a.loadSessionByAccessToken(s.accessToken()),
                    "by access token");
            if (s.refreshToken() != null) {
                assertEquals(b.loadSessionByRefreshToken(s.refreshToken()),
                        a.loadSessionByRefreshToken(s.refreshToken()), "by refresh token");
            }
        }
    }
}
