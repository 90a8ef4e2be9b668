package dev.tokenstore.buffer;

import dev.tokenstore.DatabaseUnavailableException;

/**
 * What the flusher last learnt about the delegate's database: whether it is unavailable (the last
 * attempted batch failed with {@link DatabaseUnavailableException}) and how many attempts in a row
 * found it so. While it is, a batch is not retried at once (the store's circuit breaker would only
 * refuse it again) but after a back-off that doubles with every failed attempt, up to
 * 32 × {@code retryBackoff}; and a writer finding the buffer full fails at once instead of waiting
 * {@code enqueueTimeout}. Guarded by the buffer's lock.
 */
final class Outage {
    private DatabaseUnavailableException current;
    private int failedAttempts;

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

    /** Records the outcome of an attempted batch: a failure (null for success) reaching or not the database. */
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

    /** Wait before the next attempt while the outage lasts (0 when there is none). */
    long backoffNanos(BufferSettings settings) {
        return current == null ? 0 : settings.backoffNanos(failedAttempts);
    }
}
