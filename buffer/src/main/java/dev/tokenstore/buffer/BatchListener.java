package dev.tokenstore.buffer;

/**
 * Told about every batch a {@link BufferedTokenStore} commits, e.g. to record batch sizes and flush
 * latency in a metrics system. Gets counts and times only, never a session.
 */
@FunctionalInterface
public interface BatchListener {

    /**
     * Called on the flusher thread after a batch that wrote at least one session. Must return
     * quickly; an exception it throws is logged and ignored.
     *
     * @param sessions     session writes the batch committed
     * @param elapsedNanos from the batch's first attempt until it was settled, retries included
     */
    void batchFlushed(int sessions, long elapsedNanos);
}
