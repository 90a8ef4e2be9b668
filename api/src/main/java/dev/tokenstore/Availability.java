package dev.tokenstore;

import java.time.Instant;
import java.util.Objects;

/**
 * How reachable a store's database is right now, for health checks and metrics: the state of its
 * circuit breaker and what failed last. Never holds a value, only times and an exception class name.
 *
 * @param state            {@link State#CLOSED} (calls go through), {@link State#OPEN} (calls fail at
 *                         once with {@link DatabaseUnavailableException}) or {@link State#HALF_OPEN}
 *                         (one probe call is let through)
 * @param unavailableSince start of the current outage: the first connection-level failure since the
 *                         last call that reached the database; null when there is none
 * @param lastFailure      class name of the root cause of the last connection-level failure (e.g.
 *                         {@code java.net.ConnectException}), or null if there was none
 * @param lastFailureAt    when that failure happened, or null
 */
public record Availability(State state, Instant unavailableSince, String lastFailure, Instant lastFailureAt) {

    /** The states of a circuit breaker. */
    public enum State {
        /** Calls go to the database. */
        CLOSED,
        /** Calls fail at once, without touching the database, until the cool-down has passed. */
        OPEN,
        /** The cool-down has passed: one probe call goes through; its outcome closes or re-opens. */
        HALF_OPEN
    }

    public Availability {
        Objects.requireNonNull(state, "state");
    }

    /** True while calls are not sent to the database (open, or half-open with the probe under way). */
    public boolean failingFast() {
        return state != State.CLOSED;
    }
}
