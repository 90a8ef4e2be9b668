package dev.tokenstore;

/** A listener's registration with a {@link ChangeFeed}; closing it stops delivery. Thread-safe. */
public interface ChangeSubscription extends AutoCloseable {

    /**
     * A {@link System#nanoTime()} reading such that every change committed before it has been
     * delivered to the listener. A feed that delivers synchronously returns the current
     * {@code System.nanoTime()}; a feed that has not confirmed yet (or whose transport is down)
     * returns an old reading, so {@code System.nanoTime() - caughtUpNanos()} is how far behind
     * the subscriber may be.
     */
    long caughtUpNanos();

    /** Stops delivery; idempotent. */
    @Override
    void close();
}
