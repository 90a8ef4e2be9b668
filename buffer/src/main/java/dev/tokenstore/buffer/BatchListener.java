package dev.tokenstore.buffer;

/**
 * Told about every batch a {@link BufferedTokenStore} commits, e.g. to record batch sizes and flush
 * latency in a metrics system. Gets counts and times only, never a session.
 */
@FunctionalInterface
public interface BatchListener {

    /**
     * Called after a batch that wrote at least one session, on the thread that committed it: the
     * flusher thread, or in group commit a caller that found the buffer idle and wrote its own
     * batch of one (then before its {@code storeSession} returns). Calls never overlap. Must return
     * quickly; an exception it throws is logged and ignored.
     *
     * @param sessions     session writes the batch committed
     * @param elapsedNanos from the batch's first attempt until it was settled, retries included
     */
    void batchFlushed(int sessions, long elapsedNanos);
}
