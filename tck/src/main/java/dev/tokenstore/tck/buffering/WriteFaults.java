package dev.tokenstore.tck.buffering;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStoreException;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Injected failures of session writes, for the buffering suite: the next N writes fail (as an
 * unclassified failure, or a transient one with SQLState 08006), or all do; writes holding a given
 * session are refused as a database would refuse a value (SQLState 22001, not an
 * {@link IllegalArgumentException}); or writes hang until released. Thread-safe.
 */
public final class WriteFaults {
    /** SQLState 22001 (string data, right truncation): how a database refuses a value too long for its column. */
    public static final String REFUSED_STATE = "22001";
    /** SQLState 08006 (connection failure): a transient failure. */
    public static final String TRANSIENT_STATE = "08006";

    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean failAlways;
    private volatile boolean transientFailures;
    private volatile boolean hang;
    private volatile boolean hangRotations;
    private final CountDownLatch rotationEntered = new CountDownLatch(1);

    /** No failures. */
    public static WriteFaults none() {
        return new WriteFaults();
    }

    /** The next {@code n} session writes (single, bulk or transaction) fail, unclassified. */
    public WriteFaults failNext(int n) {
        failuresLeft.set(n);
        return this;
    }

    /** The next {@code n} session writes fail as a lost connection would (kind TRANSIENT, SQLState 08006). */
    public WriteFaults failNextTransiently(int n) {
        transientFailures = true;
        failuresLeft.set(n);
        return this;
    }

    /** Every session write fails until {@link #heal()}. */
    public WriteFaults failAlways() {
        failAlways = true;
        return this;
    }

    /**
     * Every write holding this session (alone, in a bulk call or in a transaction) fails with a
     * {@link TokenStoreException} carrying SQLState {@value #REFUSED_STATE}, as a database refusing one
     * of its values would; the other sessions of a bulk call or transaction are then not written either.
     */
    public WriteFaults refuse(String sessionId) {
        refused.add(sessionId);
        return this;
    }

    /** Every session write blocks until {@link #release()} (a delegate that hangs). */
    public WriteFaults hang() {
        hang = true;
        return this;
    }

    /** Every rotation reaching the store blocks until {@link #release()} (writes do not). */
    public WriteFaults hangRotations() {
        hangRotations = true;
        return this;
    }

    /** Waits until a rotation is blocked by {@link #hangRotations()}; false if none within {@code seconds}. */
    public boolean awaitHangingRotation(long seconds) throws InterruptedException {
        return rotationEntered.await(seconds, TimeUnit.SECONDS);
    }

    /** Waits until a write is blocked by {@link #hang()}; false if none within {@code seconds}. */
    public boolean awaitHanging(long seconds) throws InterruptedException {
        return entered.await(seconds, TimeUnit.SECONDS);
    }

    /** Lets hanging writes go on (they then succeed unless another fault applies). */
    public void release() {
        hang = false;
        hangRotations = false;
        released.countDown();
    }

    /** Writes succeed again. */
    public void heal() {
        failAlways = false;
        failuresLeft.set(0);
        refused.clear();
    }

    /** How many session writes were attempted (failed or not). */
    public int attempts() {
        return attempts.get();
    }

    /** Called before each rotation; blocks while {@link #hangRotations()} holds. */
    void beforeRotation() {
        if (hangRotations) {
            rotationEntered.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TokenStoreException("interrupted while hanging (tck)", e);
            }
        }
    }

    /** Called before each session write of these sessions; throws if this one is to fail. */
    void beforeWrite(Collection<StoredSession> sessions) {
        attempts.incrementAndGet();
        if (hang) {
            entered.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TokenStoreException("interrupted while hanging (tck)", e);
            }
        }
        if (failAlways || failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            if (transientFailures) {
                throw new TokenStoreException("injected transient failure (tck)", null, null, TRANSIENT_STATE, 0);
            }
            throw new TokenStoreException("injected write failure (tck)");
        }
        beforeEach(sessions);
    }

    /** The per-session check, also applied to each write inside a transaction. */
    void beforeEach(Collection<StoredSession> sessions) {
        if (refused.isEmpty()) {
            return;
        }
        for (StoredSession session : sessions) {
            if (refused.contains(session.sessionId())) {
                throw new TokenStoreException("injected refusal (tck): value too long", null, null, REFUSED_STATE,
                        0);
            }
        }
    }
}
