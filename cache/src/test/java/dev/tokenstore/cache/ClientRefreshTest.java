package dev.tokenstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.ClientRecord;
import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("clients: stale-while-revalidate with refreshAfter")
class ClientRefreshTest {
    private static final Duration REFRESH_AFTER = Duration.ofMinutes(1);
    private final TestClock clock = new TestClock();
    private final ForwardingStore delegate = new ForwardingStore(new InMemoryTokenStore(clock));
    private final ClientRecord v1 = Sessions.client(clock, "c1", "Version 1");
    private final ClientRecord v2 = Sessions.client(clock, "c1", "Version 2");

    /** Runs queued tasks only when the test says so. */
    private static final class ManualExecutor implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    private CachingTokenStore cache(Executor executor) {
        return CachingTokenStore.builder(delegate).clock(clock).refreshAfter(REFRESH_AFTER).refreshExecutor(executor)
                .build();
    }

    @Test
    @DisplayName("an entry older than refreshAfter is served while it reloads in the background, then the new value is")
    void refreshesInBackground() {
        ManualExecutor executor = new ManualExecutor();
        try (CachingTokenStore cached = cache(executor)) {
            cached.storeClient(v1);
            assertEquals(Optional.of(v1), cached.loadClient("c1"));
            delegate.inner.storeClient(v2);                    // changed elsewhere
            clock.advance(REFRESH_AFTER);
            assertEquals(Optional.of(v1), cached.loadClient("c1"));
            executor.runAll();
            assertEquals(1, delegate.clientReads.get(), "not refreshed until older than refreshAfter");
            clock.advance(Duration.ofMillis(1));
            assertEquals(Optional.of(v1), cached.loadClient("c1"), "the old value while revalidating");
            assertEquals(1, delegate.clientReads.get());
            executor.runAll();
            assertEquals(2, delegate.clientReads.get());
            assertEquals(Optional.of(v2), cached.loadClient("c1"));
            assertEquals(2, delegate.clientReads.get(), "the refreshed value is served from memory");
            assertEquals(1, cached.stats().misses(), "only the first read was a miss");
            assertEquals(2, cached.stats().loads());
        }
    }

    @Test
    @DisplayName("a failed refresh keeps the old value (counted as a load failure) until the entry expires")
    void failedRefreshKeepsOldValue() {
        try (CachingTokenStore cached = cache(Runnable::run)) {
            cached.storeClient(v1);
            cached.loadClient("c1");
            TokenStoreException down = new TokenStoreException("backend down (test)");
            delegate.failReads.set(down);
            clock.advance(REFRESH_AFTER.plusMillis(1));
            assertEquals(Optional.of(v1), cached.loadClient("c1"));
            assertEquals(Optional.of(v1), cached.loadClient("c1"));
            assertEquals(1, cached.stats().loadFailures());
            clock.advance(Duration.ofMinutes(5));              // past ttlCap - skew of the original load
            assertSame(down, assertThrows(TokenStoreException.class, () -> cached.loadClient("c1")));
            delegate.failReads.set(null);
            assertEquals(Optional.of(v1), cached.loadClient("c1"));
        }
    }

    @Test
    @DisplayName("a refresh that read the old value before a write through the cache does not put it back")
    void refreshRacingWriteIsDropped() {
        ManualExecutor executor = new ManualExecutor();
        try (CachingTokenStore cached = cache(executor)) {
            cached.storeClient(v1);
            cached.loadClient("c1");
            clock.advance(REFRESH_AFTER.plusMillis(1));
            assertEquals(Optional.of(v1), cached.loadClient("c1"));   // queues the refresh
            cached.storeClient(v2);                                    // written and invalidated meanwhile
            delegate.nextClientAnswer.set(Optional.of(v1));           // the refresh read what was there before
            executor.runAll();
            assertEquals(Optional.of(v2), cached.loadClient("c1"));
        }
    }

    @Test
    @DisplayName("by default refreshes run on the cache's own daemon thread")
    void defaultExecutor() throws InterruptedException {
        try (CachingTokenStore cached = CachingTokenStore.builder(delegate).clock(clock).refreshAfter(REFRESH_AFTER).build()) {
            cached.storeClient(v1);
            cached.loadClient("c1");
            delegate.inner.storeClient(v2);
            clock.advance(REFRESH_AFTER.plusMillis(1));
            cached.loadClient("c1");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Optional<ClientRecord> seen = cached.loadClient("c1");
            while (!seen.equals(Optional.of(v2)) && System.nanoTime() < deadline) {
                Thread.sleep(5);
                seen = cached.loadClient("c1");
            }
            assertEquals(Optional.of(v2), seen);
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().startsWith("tokenstore-cache-refresh-") && t.isDaemon()));
        }
    }
}
