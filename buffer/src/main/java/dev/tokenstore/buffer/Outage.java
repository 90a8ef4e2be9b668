package dev.tokenstore.buffer;

import dev.tokenstore.DatabaseUnavailableException;

/**
 * What the flusher last learnt about the delegate's database: whether it is unavailable (the last
 * attempted batch failed with {@link DatabaseUnavailableException}) and how many attempts in a row
 * found it so. While it is, a write-behind batch stays queued and is tried again after a back-off
 * that doubles with every failed attempt, up to 32 × {@code retryBackoff} (the store's circuit
 * breaker would only refuse an immediate retry), without counting against {@code maxRetries}: an
 * outage is not a write that keeps failing. A writer finding the buffer full fails at once instead
 * of waiting {@code enqueueTimeout}. Written by the thread committing a batch (the flusher, or a lone
 * group-commit caller writing its own batch of one; batches commit one at a time), read by writers.
 */
final class Outage {
    private volatile DatabaseUnavailableException current;
    private volatile int failedAttempts;

    /** The {@link DatabaseUnavailableException} in {@code failure}'s causes, or null. */
    static DatabaseUnavailableException unavailable(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof DatabaseUnavailableException u) {
                return u;
            }
        }
        return null;
    }

    /** Records the outcome of an attempted batch: its failure, or null for success. */
    void attempted(Throwable failure) {
        DatabaseUnavailableException u = unavailable(failure);
        if (u != null) {
            current = u;
            failedAttempts++;
        } else {
            current = null;
            failedAttempts = 0;
        }
    }

    boolean active() {
        return current != null;
    }

    /** The failure that showed the outage, or null. */
    DatabaseUnavailableException current() {
        return current;
    }

    /** Wait before the next attempt while the outage lasts. */
    long backoffNanos(BufferSettings settings) {
        return settings.backoffNanos(Math.max(1, failedAttempts));
    }
}
