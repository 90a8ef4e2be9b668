package dev.tokenstore;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One round of a {@link CleanupScheduler}: when it ran, how it ended and what it removed.
 * Holds counts and the failure's type only, never a token, id or message from the database.
 *
 * @param startedAt  when the round started (the scheduler's clock)
 * @param took       how long it took
 * @param outcome    whether it cleaned, was skipped because another instance was cleaning, or failed
 * @param result     what it removed ({@link CleanupResult#NONE} unless {@link Outcome#CLEANED})
 * @param failure    the exception's class name when it {@link Outcome#FAILED}, else null
 */
public record CleanupRun(Instant startedAt, Duration took, Outcome outcome, CleanupResult result, String failure) {

    /** How a round ended. */
    public enum Outcome {
        /** {@code cleanupExpired()} ran and returned {@link #result()}. */
        CLEANED,
        /** Another store instance over the same data was cleaning; this round did nothing. */
        SKIPPED,
        /** The cleanup failed; the scheduler logged it and tries again next round. */
        FAILED
    }

    public CleanupRun {
        Checks.requireNonNull(startedAt, "startedAt");
        Checks.requireNonNull(took, "took");
        Checks.requireNonNull(outcome, "outcome");
        Checks.requireNonNull(result, "result");
        if (outcome == Outcome.FAILED) {
            Checks.requireText(failure, "failure");
        }
    }

    /** The failure's class name, when the round failed. */
    public Optional<String> failureType() {
        return Optional.ofNullable(failure);
    }
}
