package dev.tokenstore.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.testing.ConsumeRace;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Threads and several store instances on one file (as several processes would open it): one-time
 * consume has exactly one winner, and mixed load never surfaces SQLITE_BUSY or any other error.
 */
class SqliteConcurrencyTest extends SqliteFixture {
    @Test
    void sixteenThreadsConsumingOneStateOrCodeHaveExactlyOneWinner() throws Exception {
        TokenStore store = open();
        for (int round = 0; round < 20; round++) {
            StateRecord state = data.state(Duration.ofMinutes(5));
            AuthCodeRecord code = data.code(Duration.ofMinutes(1));
            store.storeState(state);
            store.storeAuthCode(code);
            List<TokenStore> same = List.of(store);
            assertEquals(1, ConsumeRace.winners(same, 16, s -> s.consumeState(state.state())), "state round " + round);
            assertEquals(1, ConsumeRace.winners(same, 16, s -> s.consumeAuthCode(code.code())), "code round " + round);
        }
    }

    @Test
    void twoStoresOnOneFileKeepConsumeOneTime() throws Exception {
        TokenStore a = open();
        TokenStore b = open();
        StoredSession s = data.session("ada");
        a.storeSession(s);
        assertEquals(Optional.of(s), b.loadSessionByAccessToken(s.accessToken()), "b sees a's writes");
        assertTrue(b.deleteSessionById(s.sessionId()));
        assertEquals(Optional.empty(), a.loadSessionById(s.sessionId()), "a sees b's deletes");
        List<TokenStore> both = List.of(a, b);
        for (int round = 0; round < 20; round++) {
            StateRecord state = data.state(Duration.ofMinutes(5));
            AuthCodeRecord code = data.code(Duration.ofMinutes(1));
            (round % 2 == 0 ? a : b).storeState(state);
            (round % 2 == 0 ? b : a).storeAuthCode(code);
            assertEquals(1, ConsumeRace.winners(both, 16, st -> st.consumeState(state.state())),
                    "state round " + round);
            assertEquals(1, ConsumeRace.winners(both, 16, st -> st.consumeAuthCode(code.code())),
                    "code round " + round);
        }
    }

    @Test
    void eightThreadsOfMixedLoadOnTwoStoresNeverFail() throws Exception {
        TokenStore a = open();
        TokenStore b = open();
        a.storeClient(data.client("app"));
        AtomicInteger operations = new AtomicInteger();
        List<Throwable> failures = ConsumeRace.run("sqlite-test-worker", 8,
                t -> mixedLoad(t % 2 == 0 ? a : b, "user-" + t, operations));
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " operations failed; first: " + failures.get(0),
                    failures.get(0));
        }
        assertTrue(operations.get() >= 8 * 150, "every worker finished its loop: " + operations.get());
    }

    private void mixedLoad(TokenStore store, String user, AtomicInteger operations) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 150; i++) {
            StoredSession s = data.session(user);
            store.storeSession(s);
            if (!store.loadSessionByAccessToken(s.accessToken()).equals(Optional.of(s))) {
                throw new AssertionError("own write not visible");
            }
            StateRecord state = data.state(Duration.ofMinutes(5));
            store.storeState(state);
            if (store.consumeState(state.state()).isEmpty()) {
                throw new AssertionError("own state not consumable");
            }
            switch (random.nextInt(6)) {
                case 0 -> store.deleteSessionById(s.sessionId());
                case 1 -> ((BulkSessionStore) store).bulkStoreSessions(
                        List.of(data.session(user), data.session(user), data.rotated(s)));
                case 2 -> store.cleanupExpired();
                case 3 -> ((TransactionalTokenStore) store).inTransaction(tx -> {
                    tx.storeSession(data.rotated(s));
                    return tx.loadClient("app");
                });
                case 4 -> store.listClients();
                default -> store.loadSessionByRefreshToken(s.refreshToken());
            }
            operations.incrementAndGet();
        }
        store.deleteSessionsByUser(user);
    }
}
