package dev.tokenstore.tck.caching;

import dev.tokenstore.ClientRecord;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A {@link TokenStore} in front of the backend under test that counts the reads reaching it, so a
 * caching kit can tell a cache hit from a load. It can also fail reads on demand, or hold one read
 * after it has read the backend (to put a load and a write in a known order). Writes and consumes
 * pass straight through, and so does {@code close()}. It offers no optional capability (so the
 * cache over it follows no feed and writes one by one, and every read it counts is a real one).
 */
public final class CountingTokenStore extends ForwardingTokenStore {
    /** The reads that are counted. */
    public enum Read { ACCESS, ID, REFRESH, CLIENT }

    private final TokenStore backend;
    private final Map<Read, AtomicInteger> reads = new EnumMap<>(Read.class);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicReference<Hold> hold = new AtomicReference<>();

    public CountingTokenStore(TokenStore backend) {
        this.backend = backend;
        for (Read read : Read.values()) {
            reads.put(read, new AtomicInteger());
        }
    }

    /** No optional capability passes through: what the counts mean would change with one. */
    @Override
    public dev.tokenstore.TokenStoreFeatures features() {
        return dev.tokenstore.TokenStoreFeatures.NONE;
    }

    @Override
    protected TokenStore delegate() {
        return backend;
    }

    /** How many reads of this kind reached the backend (failed ones included). */
    public int reads(Read read) {
        return reads.get(read).get();
    }

    /** How many reads of any kind reached the backend. */
    public int reads() {
        return reads.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** From now on every counted read throws {@code error} instead of reading the backend. */
    public void failReadsWith(RuntimeException error) {
        failure.set(error);
    }

    /** Reads reach the backend again. */
    public void healReads() {
        failure.set(null);
    }

    /**
     * The next read of this kind reads the backend, then waits (with what it read) until the
     * returned hold is released.
     */
    public Hold holdNextRead(Read read) {
        Hold next = new Hold(read);
        if (!hold.compareAndSet(null, next)) {
            throw new IllegalStateException("a read is already held");
        }
        return next;
    }

    /** A read held after it read the backend. */
    public static final class Hold {
        private final Read read;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        private Hold(Read read) {
            this.read = read;
        }

        /** Waits until the held read has read the backend; fails after 10 seconds. */
        public void awaitReached() throws InterruptedException {
            if (!reached.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no " + read + " read reached the backend within 10 seconds");
            }
        }

        /** True once the held read has read the backend. */
        public boolean isReached() {
            return reached.getCount() == 0;
        }

        /** Lets the held read return. */
        public void release() {
            released.countDown();
        }

        private void park() {
            reached.countDown();
            try {
                if (!released.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("held " + read + " read was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while held", e);
            }
        }
    }

    private <T> T counted(Read read, Supplier<T> work) {
        reads.get(read).incrementAndGet();
        RuntimeException error = failure.get();
        if (error != null) {
            throw error;
        }
        T result = work.get();
        Hold current = hold.get();
        if (current != null && current.read == read && hold.compareAndSet(current, null)) {
            current.park();
        }
        return result;
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        return counted(Read.ACCESS, () -> backend.loadSessionByAccessToken(accessToken));
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        return counted(Read.ID, () -> backend.loadSessionById(sessionId));
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        return counted(Read.REFRESH, () -> backend.loadSessionByRefreshToken(refreshToken));
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        return counted(Read.CLIENT, () -> backend.loadClient(clientId));
    }

    @Override
    public String toString() {
        return "CountingTokenStore[" + backend + "]";
    }
}
