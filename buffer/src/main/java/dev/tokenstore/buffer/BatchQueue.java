package dev.tokenstore.buffer;

import java.util.List;

/**
 * What the committing side sees of the buffer (the {@link Flusher} thread and {@link BatchCommit}):
 * take the next due batch, settle a batch once it is written or given up, ask whether the buffer is
 * closing, and report that the committing side broke. {@link WriteQueue} implements it.
 */
interface BatchQueue {

    /** Waits for the next due batch and takes it (its writes become in flight); null when the flusher should stop. */
    List<PendingWrite> nextBatch();

    /**
     * Ends the batch: written writes are acknowledged; refused and set-aside ones reported and let go.
     *
     * @param attempts    how many times the batch was tried
     * @param commitNanos how long its first attempt took (the group-commit schedule learns from it)
     * @return how many of its writes were written
     */
    int settle(List<PendingWrite> batch, int attempts, long commitNanos);

    /** True once {@code close()} has begun: an outage no longer keeps batches queued. */
    boolean isClosing();

    /** The committing side failed in a way no batch handles: every held write is failed; close() hands them back. */
    void die(Throwable death);
}
