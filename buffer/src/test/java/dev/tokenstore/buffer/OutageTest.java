package dev.tokenstore.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The buffer while its delegate's database is unavailable: the delegate throws
 * {@link DatabaseUnavailableException} at once, as a JDBC store with an open circuit breaker does.
 * The end-to-end run over a stopped PostgreSQL is the TCK's "database unavailable" group.
 */
@DisplayName("write buffer during a database outage")
class OutageTest {
    private static final Duration BACKOFF = Duration.ofMillis(20);

    private final TestClock clock = new TestClock();
    private final Sessions sessions = new Sessions(clock);
    private final DownDelegate delegate = new DownDelegate(clock);
    private final List<BufferedTokenStore> opened = new ArrayList<>();

    /** An in-memory store whose writes and reads fail fast while {@link #since} is set, recording each write attempt. */
    static final class DownDelegate extends ForwardingTokenStore {
        final InMemoryTokenStore inner;
        final List<Long> writeAttempts = new CopyOnWriteArrayList<>();
        volatile Instant since;

        DownDelegate(TestClock clock) {
            inner = new InMemoryTokenStore(clock);
        }

        @Override
        protected TokenStore delegate() {
            Instant down = since;
            if (down != null) {
                throw new DatabaseUnavailableException("test store: not attempted: database unavailable since " + down,
                        down, null);
            }
            return inner;
        }

        @Override
        public void storeSession(StoredSession session) {
            writeAttempts.add(System.nanoTime());
            delegate().storeSession(session);
        }

        @Override
        public void close() {
        }
    }

    @AfterEach
    void closeAll() {
        delegate.since = null;
        opened.forEach(b -> {
            try {
                b.close();
            } catch (RuntimeException e) {
                // left-overs of a failed test
            }
        });
    }

    private BufferedTokenStore buffer(AckMode mode, int maxPending) {
        BufferedTokenStore b = BufferedTokenStore.builder(delegate).clock(clock).ackMode(mode).maxPending(maxPending)
                .maxBatchSize(Math.min(1000, maxPending)).maxDelay(Duration.ofMillis(1)).retryBackoff(BACKOFF)
                .enqueueTimeout(Duration.ofSeconds(30)).build();
        opened.add(b);
        return b;
    }

    @Test
    @DisplayName("write-behind keeps accepting, reads its writes, backs off, and flushes everything once the database is back")
    void writeBehind() throws InterruptedException {
        BufferedTokenStore buffer = buffer(AckMode.WRITE_BEHIND, 1000);
        delegate.since = clock.instant();
        List<StoredSession> written = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            StoredSession s = sessions.session("s" + i, "u" + (i % 7));
            buffer.storeSession(s);
            written.add(s);
        }
        for (StoredSession s : written) {
            assertEquals(Optional.of(s), buffer.loadSessionById(s.sessionId()), "read-your-writes");
            assertEquals(Optional.of(s), buffer.loadSessionByAccessToken(s.accessToken()));
        }
        eventually(() -> delegate.writeAttempts.size() >= 5, Duration.ofSeconds(10));
        List<Long> at = List.copyOf(delegate.writeAttempts);
        for (int i = 1; i < 5; i++) {
            long gapMillis = TimeUnit.NANOSECONDS.toMillis(at.get(i) - at.get(i - 1));
            long expected = BACKOFF.toMillis() << (i - 1);
            assertTrue(gapMillis >= expected * 9 / 10, "attempt " + (i + 1) + " came " + gapMillis
                    + " ms after the one before; the back-off is " + expected + " ms: " + at);
        }
        assertEquals(200, buffer.stats().pending());

        delegate.since = null;
        eventually(() -> buffer.stats().pending() == 0, Duration.ofSeconds(10));
        for (StoredSession s : written) {
            assertEquals(Optional.of(s), delegate.inner.loadSessionById(s.sessionId()));
        }
        buffer.flush();
    }

    @Test
    @DisplayName("a full buffer fails the writer at once while the database is unavailable")
    void fullBufferFailsFast() throws InterruptedException {
        BufferedTokenStore buffer = buffer(AckMode.WRITE_BEHIND, 5);
        Instant since = clock.instant();
        delegate.since = since;
        for (int i = 0; i < 5; i++) {
            buffer.storeSession(sessions.session("s" + i, "u"));
        }
        eventually(() -> !delegate.writeAttempts.isEmpty(), Duration.ofSeconds(10));
        long start = System.nanoTime();
        DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class,
                () -> buffer.storeSession(sessions.session("s5", "u")));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < 1_000, "took " + tookMillis + " ms; enqueueTimeout is 30 s");
        assertTrue(e.getMessage().contains("write buffer is full") && e.getMessage().contains("unavailable since"),
                e.getMessage());
        assertEquals(since, e.since());
        assertEquals(5, buffer.stats().pending(), "what was accepted is kept");
        delegate.since = null;
        buffer.flush();
        assertEquals(0, buffer.stats().pending());
    }

    @Test
    @DisplayName("group commit fails its callers at once, without retrying against the outage")
    void groupCommitFailsFast() {
        BufferedTokenStore buffer = buffer(AckMode.GROUP_COMMIT, 1000);
        Instant since = clock.instant();
        delegate.since = since;
        for (int i = 0; i < 20; i++) {
            int attemptsBefore = delegate.writeAttempts.size();
            long start = System.nanoTime();
            StoredSession s = sessions.session("g" + i, "u");
            DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class,
                    () -> buffer.storeSession(s));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // "Not retried" is proven by the attempt count below; the bound only shows the caller did not
            // sit through the retry back-off (20 ms, doubling), kept loose for loaded CI.
            assertTrue(tookMillis < 2_000, "took " + tookMillis + " ms");
            assertEquals(since, e.since());
            assertEquals(attemptsBefore + 1, delegate.writeAttempts.size(), "tried once, not retried");
        }
        assertEquals(0, buffer.stats().pending(), "nothing left queued in group commit");
        delegate.since = null;
        StoredSession after = sessions.session("after", "u");
        buffer.storeSession(after);
        assertEquals(Optional.of(after), delegate.inner.loadSessionById(after.sessionId()));
    }

    private static void eventually(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within " + within);
            Thread.sleep(2);
        }
    }
}
