package dev.tokenstore.buffer;

/**
 * When {@link BufferedTokenStore#storeSession} returns.
 */
public enum AckMode {
    /**
     * Returns as soon as the write is queued. Fastest; a crash (or kill -9) loses the writes still
     * queued: at most {@code maxDelay} worth of writes and never more than {@code maxPending}.
     */
    WRITE_BEHIND,
    /**
     * Returns once the batch holding the write has been committed by the delegate. Concurrent
     * callers share one commit; nothing acknowledged is lost on a crash.
     */
    GROUP_COMMIT
}
