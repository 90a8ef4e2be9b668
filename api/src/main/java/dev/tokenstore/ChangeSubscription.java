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

    /**
     * True while the feed's transport fails to reach the database (its listener cannot connect, or
     * its reads fail for want of a connection), until it confirms again: evidence that the database
     * is unreachable from this instance. Default false (a feed that cannot tell).
     */
    default boolean sourceUnreachable() {
        return false;
    }

    /** Stops delivery; idempotent. */
    @Override
    void close();
}
