package dev.tokenstore.buffer;

/**
 * A snapshot of a {@link BufferedTokenStore}'s counters since it was built. Holds only counts,
 * never a token, id or user.
 *
 * @param pending       session writes queued or being committed right now
 * @param flushed       session writes committed to the delegate
 * @param batches       batches committed to the delegate (each one transaction where the delegate allows)
 * @param meanBatchSize {@code flushed / batches}, or 0 before the first batch
 * @param coalesced     writes replaced by a later write to the same session before they were flushed
 * @param retries       flush attempts repeated after a failure
 * @param failures      failures reported to {@code onFlushError} (a batch that failed after all
 *                      retries, or records the delegate rejected as invalid)
 */
public record BufferStats(int pending, long flushed, long batches, double meanBatchSize, long coalesced,
        long retries, long failures) {
}
