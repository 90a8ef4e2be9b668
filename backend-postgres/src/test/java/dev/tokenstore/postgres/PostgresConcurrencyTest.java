package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Threads and two store objects (two pools) over one PostgreSQL schema, racing. */
class PostgresConcurrencyTest extends PostgresFixture {

    @Test
    void twoStoresConsumeEachOf500CodesExactlyOnceFrom16Threads() throws Exception {
        TokenStore a = open();
        TokenStore b = open(o -> o.poolSize(4));
        List<AuthCodeRecord> codes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            codes.add(data.code(Duration.ofMinutes(5)));
        }
        codes.forEach(a::storeAuthCode);
        AtomicIntegerArray wins = new AtomicIntegerArray(codes.size());
        List<Throwable> failures = race(16, t -> {
            TokenStore store = t % 2 == 0 ? a : b;
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < codes.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(t));
            for (int i : order) {
                store.consumeAuthCode(codes.get(i).code()).ifPresent(found -> {
                    assertEquals(codes.get(i), found);
                    wins.incrementAndGet(i);
                });
            }
        });
        assertEquals(List.of(), failures);
        for (int i = 0; i < codes.size(); i++) {
            assertEquals(1, wins.get(i), "code " + i + " consumed exactly once");
        }
        assertEquals(0, count("tokenstore_auth_codes"));
    }

    @Test
    void manyWritersOnTheSameSessionsAndUsersNeverFail() throws Exception {
        TokenStore a = open();
        TokenStore b = open();
        List<StoredSession> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sessions.add(data.session("sid-" + i, "user-" + (i % 4), Duration.ofHours(1), Duration.ofDays(1)));
        }
        List<Throwable> failures = race(16, t -> {
            TokenStore store = t % 2 == 0 ? a : b;
            Random random = new Random(t);
            for (int n = 0; n < 60; n++) {
                StoredSession s = sessions.get(random.nextInt(sessions.size()));
                switch (random.nextInt(6)) {
                    case 0 -> store.deleteSessionsByUser(s.userId());
                    case 1 -> store.deleteSessionById(s.sessionId());
                    default -> store.storeSession(data.rotated(s)); // fresh tokens: never a conflict
                }
            }
        });
        assertEquals(List.of(), failures, "conflicts are retried, never surfaced");
    }

    interface Worker {
        void run(int thread) throws Exception;
    }

    /** Runs the worker on {@code threads} threads started together; returns what they threw. */
    static List<Throwable> race(int threads, Worker worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "pg-race");
            thread.setDaemon(true);
            return thread;
        });
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        worker.run(thread);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(failures);
    }
}
