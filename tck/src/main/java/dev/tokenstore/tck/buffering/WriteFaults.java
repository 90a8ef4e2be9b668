package dev.tokenstore.tck.buffering;

import dev.tokenstore.TokenStoreException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Injected failures of session writes, for the buffering suite: the next N writes fail, or all do,
 * with a {@link TokenStoreException} as a database outage would. Thread-safe.
 */
public final class WriteFaults {
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile boolean failAlways;

    /** No failures. */
    public static WriteFaults none() {
        return new WriteFaults();
    }

    /** The next {@code n} session writes (single, bulk or transaction) fail. */
    public WriteFaults failNext(int n) {
        failuresLeft.set(n);
        return this;
    }

    /** Every session write fails until {@link #heal()}. */
    public WriteFaults failAlways() {
        failAlways = true;
        return this;
    }

    /** Writes succeed again. */
    public void heal() {
        failAlways = false;
        failuresLeft.set(0);
    }

    /** How many session writes were attempted (failed or not). */
    public int attempts() {
        return attempts.get();
    }

    /** Called before each session write; throws if this one is to fail. */
    void beforeWrite() {
        attempts.incrementAndGet();
        if (failAlways || failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new TokenStoreException("injected write failure (tck)");
        }
    }
}
