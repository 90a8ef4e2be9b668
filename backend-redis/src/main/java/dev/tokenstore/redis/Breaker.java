package dev.tokenstore.redis;

import dev.tokenstore.Availability;
import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.TokenStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The circuit breaker in front of every call to Redis: a connection-level failure opens it, and
 * while it is open calls fail at once with {@link DatabaseUnavailableException} (naming the start
 * of the outage) until the cool-down, judged by the store's clock, has passed; then one probe goes
 * through and its outcome closes or re-opens it. Data errors never open it. Thread-safe.
 */
final class Breaker {
    private final Clock clock;
    private final Duration coolDown;
    private Availability.State state = Availability.State.CLOSED;
    private Instant since;
    private String lastFailure;
    private Instant lastFailureAt;
    private boolean probing;
    private final Runnable beforeProbe;

    /** {@code beforeProbe} runs before a probe call (e.g. waits for the client to have reconnected). */
    Breaker(Clock clock, Duration coolDown, Runnable beforeProbe) {
        this.clock = clock;
        this.coolDown = coolDown;
        this.beforeProbe = beforeProbe;
    }

    synchronized Availability availability() {
        Availability.State shown = state == Availability.State.OPEN && !clock.instant().isBefore(lastFailureAt.plus(coolDown))
                ? Availability.State.HALF_OPEN : state;
        return new Availability(shown, since, lastFailure, lastFailureAt);
    }

    /** Runs {@code work} unless the breaker is open; maps Redis failures to the api's exceptions. */
    <T> T call(String operation, Supplier<T> work) {
        boolean probe = admit(operation);
        try {
            if (probe) {
                beforeProbe.run();
            }
            T result = work.get();
            succeeded();
            return result;
        } catch (TokenStoreException | IllegalArgumentException | IllegalStateException e) {
            if (probe) {
                succeeded(); // the database answered
            }
            throw e;
        } catch (RuntimeException e) {
            if (RedisFailures.isConnectionFailure(e)) {
                Instant start = failed(e);
                throw new DatabaseUnavailableException("redis token store: " + operation + " failed, Redis unreachable since "
                        + start, start, RedisFailures.unwrap(e));
            }
            if (probe) {
                succeeded();
            }
            throw new TokenStoreException("redis token store: " + operation + " failed", RedisFailures.unwrap(e));
        }
    }

    private synchronized boolean admit(String operation) {
        if (state == Availability.State.CLOSED) {
            return false;
        }
        Instant now = clock.instant();
        if (now.isBefore(lastFailureAt.plus(coolDown)) || probing) {
            throw new DatabaseUnavailableException("redis token store: " + operation + " not attempted, Redis unreachable since "
                    + since + " (circuit breaker open)", since, null);
        }
        state = Availability.State.HALF_OPEN;
        probing = true;
        return true;
    }

    private synchronized void succeeded() {
        state = Availability.State.CLOSED;
        since = null;
        probing = false;
    }

    private synchronized Instant failed(Throwable e) {
        Instant now = clock.instant();
        if (since == null) {
            since = now;
        }
        state = Availability.State.OPEN;
        probing = false;
        lastFailure = RedisFailures.unwrap(e).getClass().getName();
        lastFailureAt = now;
        return since;
    }
}
