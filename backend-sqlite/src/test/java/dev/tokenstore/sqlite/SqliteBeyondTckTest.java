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
 * What the TCK does not check, on SQLite: cleanup in tiny chunks, field names in bulk errors, and
 * how the JDBC engine's transaction views behave. The contract itself is the TCK's
 * (tck/.../run/SqliteTckTest).
 */
class SqliteBeyondTckTest extends SqliteFixture {





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
}
