package dev.tokenstore.buffer;

/**
 * When the next batch is due. Write-behind: when {@code maxBatchSize} writes are queued, or
 * {@code maxDelay} after the oldest queued write. Group commit: as soon as the flusher is free, except
 * that right after a commit the next batch waits for the callers that commit released (see
 * {@link #committed}). Not thread-safe: {@link WriteBuffer} calls it under its lock.
 */
final class BatchSchedule {
    private final BufferSettings settings;
    private final long maxDelayNanos;
    private long queuedSinceNanos;
    /** Group commit: after a commit, the next batch waits until this many writes are queued ... */
    private int gatherTarget;
    /** ... or until this instant, whichever comes first. */
    private long gatherUntilNanos;

    BatchSchedule(BufferSettings settings) {
        this.settings = settings;
        this.maxDelayNanos = settings.maxDelay().toNanos();
    }

    /**
     * A write was queued.
     *
     * @param queued how many writes are queued now
     * @return true if the flusher should be woken
     */
    boolean queued(int queued, boolean wasEmpty, boolean groupCommit, long nowNanos) {
        if (wasEmpty) {
            queuedSinceNanos = nowNanos;
        }
        return wasEmpty || queued == settings.maxBatchSize() || groupCommit && queued == gatherTarget;
    }

    /**
     * Group commit: may a caller that finds the buffer idle write its own batch of one? Not while
     * the wait after a commit that released several callers is on: they are on their way back and
     * should share the next batch, not see the first of them commit alone.
     */
    boolean allowsDirect(long nowNanos) {
        return settings.ackMode() == AckMode.GROUP_COMMIT && (gatherTarget == 0 || nowNanos - gatherUntilNanos >= 0);
    }

    /**
     * Nanoseconds until the next batch is due: 0 or less now, {@link Long#MAX_VALUE} when nothing is
     * queued. {@code urgent} (closing, or a {@code flush()} waiting) makes anything queued due now.
     */
    long nanosUntilDue(int queued, boolean urgent, long nowNanos) {
        if (queued == 0) {
            return Long.MAX_VALUE;
        }
        if (urgent) {
            return 0;
        }
        if (settings.ackMode() == AckMode.GROUP_COMMIT) {
            return queued >= Math.min(gatherTarget, settings.maxBatchSize()) ? 0 : gatherUntilNanos - nowNanos;
        }
        return queued >= settings.maxBatchSize() ? 0 : queuedSinceNanos + maxDelayNanos - nowNanos;
    }

    /** A batch was taken; the writes left keep the age of the oldest among them. */
    void taken(PendingWrites pending) {
        int left = pending.queuedCount();
        if (left > 0 && left < settings.maxBatchSize()) {
            queuedSinceNanos = pending.oldestQueuedNanos(queuedSinceNanos);
        }
    }

    /**
     * Group commit: the callers of the batch just committed are released now and will mostly be
     * back with their next write in a moment. Rather than commit whoever is queued at once (with
     * 16 writers, batches would then alternate between two halves for good), the next batch waits
     * until those callers are queued again too, but never longer than a quarter of the commit that
     * just ran (nor {@code maxDelay}). Where a commit is expensive (a durable one) this doubles the
     * batch for a short wait; where it is cheap the wait is too. Like PostgreSQL's
     * {@code commit_delay}, bounded and only right after a commit.
     */
    void committed(int released, long commitNanos, int queued, long nowNanos) {
        if (settings.ackMode() != AckMode.GROUP_COMMIT || released <= 1) {
            gatherTarget = 0;
            return;
        }
        gatherTarget = queued + released;
        gatherUntilNanos = nowNanos + Math.min(maxDelayNanos, commitNanos / 4);
    }
}
