package dev.tokenstore.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Threads and several store instances on one file (as several processes would open it): one-time
 * consume has exactly one winner, and mixed load never surfaces SQLITE_BUSY or any other error.
 */
class SqliteConcurrencyTest extends SqliteFixture {
    private final ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "sqlite-test-worker");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void sixteenThreadsConsumingOneStateOrCodeHaveExactlyOneWinner() throws Exception {
        TokenStore store = open();
        for (int round = 0; round < 20; round++) {
            StateRecord state = data.state(Duration.ofMinutes(5));
            AuthCodeRecord code = data.code(Duration.ofMinutes(1));
            store.storeState(state);
            store.storeAuthCode(code);
            List<TokenStore> same = List.of(store);
            assertEquals(1, race(same, s -> s.consumeState(state.state())), "state round " + round);
            assertEquals(1, race(same, s -> s.consumeAuthCode(code.code())), "code round " + round);
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
        for (int round = 0; round < 20; round++) {
            StateRecord state = data.state(Duration.ofMinutes(5));
            AuthCodeRecord code = data.code(Duration.ofMinutes(1));
            (round % 2 == 0 ? a : b).storeState(state);
            (round % 2 == 0 ? b : a).storeAuthCode(code);
            assertEquals(1, race(List.of(a, b), st -> st.consumeState(state.state())), "state round " + round);
            assertEquals(1, race(List.of(a, b), st -> st.consumeAuthCode(code.code())), "code round " + round);
        }
    }

    @Test
    void eightThreadsOfMixedLoadOnTwoStoresNeverFail() throws Exception {
        TokenStore a = open();
        TokenStore b = open();
        a.storeClient(data.client("app"));
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger operations = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            TokenStore store = t % 2 == 0 ? a : b;
            String user = "user-" + t;
            workers.add(pool.submit(() -> {
                try {
                    start.await();
                    mixedLoad(store, user, operations);
                } catch (Throwable e) {
                    failures.add(e);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> w : workers) {
            w.get(60, TimeUnit.SECONDS);
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " operations failed; first: " + failures.peek(),
                    failures.peek());
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

    /** 16 threads (spread over the stores) call {@code take} at once; returns how many got a record. */
    private int race(List<TokenStore> stores, Function<TokenStore, Optional<?>> take) throws Exception {
        CountDownLatch ready = new CountDownLatch(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            TokenStore store = stores.get(i % stores.size());
            results.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return take.apply(store).isPresent();
            }));
        }
        ready.await();
        go.countDown();
        int winners = 0;
        for (Future<Boolean> f : results) {
            winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        return winners;
    }
}
