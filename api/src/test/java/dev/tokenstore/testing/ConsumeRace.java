package dev.tokenstore.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.TokenStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;

/**
 * Threads released together against one or more stores over the same data, for the one-time
 * consume races: every value has exactly one winner. Threads are named, daemon and stopped after.
 */
public final class ConsumeRace {
    private static final long TIMEOUT_SECONDS = 60;

    private ConsumeRace() {
    }

    /** The work of one racing thread. */
    @FunctionalInterface
    public interface Worker {
        /** Runs on thread number {@code thread} (0-based). */
        void run(int thread) throws Exception;
    }

    /**
     * Runs {@code worker} on {@code threads} threads named {@code name}, all released at once, and
     * waits for them; returns what they threw, empty when nothing did.
     */
    public static List<Throwable> run(String name, int threads, Worker worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    try {
                        worker.run(thread);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                    return null;
                }));
            }
            ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            go.countDown();
            for (Future<?> f : futures) {
                f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(failures);
    }

    /**
     * {@code threads} threads, spread round-robin over {@code stores}, each try to consume every one
     * of the (already stored) {@code codes} in its own shuffled order; asserts that nothing failed
     * and that each code was returned exactly once, equal to the stored record.
     */
    public static void assertEachCodeConsumedOnce(List<TokenStore> stores, List<AuthCodeRecord> codes, int threads)
            throws Exception {
        AtomicIntegerArray wins = new AtomicIntegerArray(codes.size());
        List<Throwable> failures = run("consume-race", threads, t -> {
            TokenStore store = stores.get(t % stores.size());
            for (int i : shuffled(codes.size(), t)) {
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

    /**
     * {@code threads} threads, spread round-robin over {@code stores}, call {@code take} at once;
     * returns how many of them got a value.
     */
    public static int winners(List<TokenStore> stores, int threads, Function<TokenStore, Optional<?>> take)
            throws Exception {
        AtomicIntegerArray got = new AtomicIntegerArray(threads);
        List<Throwable> failures = run("consume-race", threads, t -> {
            if (take.apply(stores.get(t % stores.size())).isPresent()) {
                got.set(t, 1);
            }
        });
        assertEquals(List.of(), failures);
        int winners = 0;
        for (int t = 0; t < threads; t++) {
            winners += got.get(t);
        }
        return winners;
    }

    /** The numbers 0 to {@code size - 1} in an order fixed by {@code seed}. */
    public static List<Integer> shuffled(int size, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        return order;
    }
}
