package dev.tokenstore;

import java.time.Instant;
import java.util.Objects;

/**
 * The database behind a store cannot be reached (connection refused or lost, no reply in time, no
 * connection to be had from the pool, the file's device failing), and has not been since
 * {@link #since()}. Thrown both by the call that found it out and, while a store's circuit breaker
 * is open, at once by calls that were not even attempted. Never thrown for bad input, a data error
 * or a constraint violation. The message names the store and the operation, never a value.
 */
public class DatabaseUnavailableException extends TokenStoreException {
    private static final long serialVersionUID = 1L;

    private final Instant since;

    /**
     * @param message what failed, naming the store (no token, secret or password)
     * @param since   when the database was first found unavailable in this outage
     * @param cause   the failure that showed it (may be null for a call that was not attempted)
     */
    public DatabaseUnavailableException(String message, Instant since, Throwable cause) {
        super(message, cause);
        this.since = Objects.requireNonNull(since, "since");
    }

    /** When the database was first found unavailable in this outage (the store's clock). */
    public Instant since() {
        return since;
    }
}
