package dev.tokenstore.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs the same work on several threads released together, and rethrows the first failure. */
public final class Concurrent {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private Concurrent() {
    }

    /** Work for one thread, given its index from 0. */
    @FunctionalInterface
    public interface ThreadWork {
        void run(int thread) throws Exception;
    }

    /** Runs {@code work} on {@code threads} daemon threads started at once; waits up to 2 minutes. */
    public static void run(int threads, ThreadWork work) throws Exception {
        int pool = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tck-race-" + pool + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                int thread = i;
                futures.add(executor.submit(() -> {
                    start.await();
                    work.run(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                try {
                    f.get(2, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw e;
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
