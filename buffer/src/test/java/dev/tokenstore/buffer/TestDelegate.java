package dev.tokenstore.buffer;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.InMemoryTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TransactionalTokenStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A delegate around {@link InMemoryTokenStore} for the buffer's own tests: it can fail
 * session writes (N times, or always), hold the first session write at a gate, make every write
 * slow, or have its database unavailable, and counts calls.
 * {@link #close()} is recorded, not forwarded, so tests can look at {@link #inner} afterwards.
 */
class TestDelegate extends ForwardingTokenStore {
    final InMemoryTokenStore inner;
    final AtomicInteger failuresLeft = new AtomicInteger();
    volatile boolean failAlways;
    final AtomicInteger writeCalls = new AtomicInteger();
    volatile boolean closed;
    /** Every session write takes this long (a slow commit). */
    volatile long writeDelayMillis;
    private volatile CountDownLatch gate;
    final CountDownLatch atGate = new CountDownLatch(1);
    /** The thread of the latest session write. */
    volatile Thread lastWriter;
    /**
     * While set, every session write (after the gate) fails at once with
     * {@link DatabaseUnavailableException}, as a JDBC store with an open circuit breaker does.
     */
    volatile Instant unavailableSince;

    TestDelegate(Clock clock) {
        inner = new InMemoryTokenStore(clock);
    }

    @Override
    protected TokenStore delegate() {
        return inner;
    }

    static TestDelegate singleOps(Clock clock) {
        return new TestDelegate(clock);
    }

    static TestDelegate bulk(Clock clock) {
        return new Bulk(clock);
    }

    static TestDelegate transactional(Clock clock) {
        return new Transactional(clock);
    }

    /** The next session write blocks until {@link #open()}. */
    void closeGate() {
        gate = new CountDownLatch(1);
    }

    void open() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** Called at the start of every session write (single, bulk or transaction). */
    void beforeWrite() {
        writeCalls.incrementAndGet();
        lastWriter = Thread.currentThread();
        CountDownLatch g = gate;
        if (g != null) {
            atGate.countDown();
            try {
                if (!g.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate was never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (writeDelayMillis > 0) {
            try {
                Thread.sleep(writeDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        Instant down = unavailableSince;
        if (down != null) {
            throw new DatabaseUnavailableException("test store: not attempted: database unavailable since " + down,
                    down, null);
        }
        if (failAlways || failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new TokenStoreException("injected failure", new java.io.IOException("disk on fire"));
        }
    }

    @Override
    public void storeSession(StoredSession session) {
        beforeWrite();
        inner.storeSession(session);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Emulated bulk: validates nothing itself, writes in order (the in-memory store checks each). */
    static final class Bulk extends TestDelegate implements BulkSessionStore {
        final AtomicInteger bulkCalls = new AtomicInteger();

        Bulk(Clock clock) {
            super(clock);
        }

        @Override
        public void bulkStoreSessions(List<StoredSession> sessions) {
            bulkCalls.incrementAndGet();
            beforeWrite();
            // all-or-nothing for the one failure the tests provoke: a token held by another session
            for (StoredSession s : sessions) {
                inner.loadSessionByAccessToken(s.accessToken()).filter(o -> !o.sessionId().equals(s.sessionId()))
                        .ifPresent(o -> {
                            throw new IllegalArgumentException("accessToken is already used by another session");
                        });
            }
            sessions.forEach(inner::storeSession);
        }

        @Override
        public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            throw new UnsupportedOperationException("not used by these tests");
        }
    }

    /** Emulated transaction: runs the work on the inner store. */
    static final class Transactional extends TestDelegate implements TransactionalTokenStore {
        final AtomicInteger transactions = new AtomicInteger();

        Transactional(Clock clock) {
            super(clock);
        }

        @Override
        public <T> T inTransaction(Function<TokenStore, T> work) {
            transactions.incrementAndGet();
            beforeWrite();
            return work.apply(inner);
        }
    }
}
