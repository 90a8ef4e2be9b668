package dev.tokenstore.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** Threads and two store objects over one H2 file database, racing. */
class H2ConcurrencyTest extends H2Fixture {
    private static final int THREADS = 16;

    @Test
    void twoStoresOverOneFileConsumeEachOf500CodesExactlyOnce() throws Exception {
        TokenStore a = open();
        TokenStore b = open(o -> o.poolSize(4));
        List<AuthCodeRecord> codes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            AuthCodeRecord code = data.code(Duration.ofMinutes(5));
            codes.add(code);
            (i % 2 == 0 ? a : b).storeAuthCode(code);
        }
        AtomicIntegerArray wins = new AtomicIntegerArray(codes.size());
        List<Throwable> failures = race(t -> {
            TokenStore store = t % 2 == 0 ? a : b;
            List<Integer> order = shuffled(codes.size(), t);
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
    }

    @Test
    void manyWritersOnTheSameSessionsAndUsersNeverFail() throws Exception {
        TokenStore a = open();
        TokenStore b = open();
        List<StoredSession> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sessions.add(data.session("sid-" + i, "user-" + (i % 4), Duration.ofHours(1), Duration.ofDays(1)));
        }
        List<Throwable> failures = race(t -> {
            TokenStore store = t % 2 == 0 ? a : b;
            Random random = new Random(t);
            for (int n = 0; n < 150; n++) {
                StoredSession s = sessions.get(random.nextInt(sessions.size()));
                switch (random.nextInt(6)) {
                    case 0 -> store.deleteSessionsByUser(s.userId());
                    case 1 -> store.deleteSessionById(s.sessionId());
                    default -> store.storeSession(data.rotated(s)); // fresh tokens: never a conflict
                }
            }
        });
        assertEquals(List.of(), failures, "lock conflicts are retried, never surfaced");
        int live = 0;
        for (StoredSession s : sessions) {
            live += a.loadSessionById(s.sessionId()).isPresent() ? 1 : 0;
        }
        assertTrue(live <= sessions.size());
    }

    interface Worker {
        void run(int thread) throws Exception;
    }

    /** Runs the worker on {@value #THREADS} threads started together; returns what they threw. */
    static List<Throwable> race(Worker worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread thread = new Thread(r, "h2-race");
            thread.setDaemon(true);
            return thread;
        });
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
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

    static List<Integer> shuffled(int size, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        return order;
    }
}
