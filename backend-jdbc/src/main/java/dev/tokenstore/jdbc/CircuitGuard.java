package dev.tokenstore.jdbc;

import dev.tokenstore.Availability;
import dev.tokenstore.DatabaseUnavailableException;
import dev.tokenstore.TokenStoreException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker in front of one store's database (Resilience4j): every pooled call goes
 * through {@link #call}. A call whose failure is connection-level ({@link SqlDialect#isUnavailable})
 * leaves as {@link DatabaseUnavailableException} and counts towards opening; once the failure rate
 * over the window passes the threshold, calls fail at once, without touching the pool, until the
 * cool-down has passed; then one probe goes through and closes the breaker again if it reaches the
 * database. Any other outcome, including bad input, data errors and constraint violations, shows
 * that the database answered and counts as a success. Times come from the store's clock.
 *
 * <p><b>Successes cost no shared write while all is well.</b> Resilience4j records every outcome
 * in its count-based window under a lock, which two threads calling at once contend on. Once the
 * last {@code windowCalls} outcomes recorded since the breaker last changed state are all
 * successes, the window holds only successes and another success would leave it exactly as it is;
 * so from then on successes are not handed to Resilience4j (a read of one volatile counter), until
 * the next failure or state change starts the count again. What opens the breaker is unchanged: a
 * failure still lands in a window of {@code windowCalls} successes, as it would have. (A success
 * racing a failure on another thread may be counted on the other side of it; at worst that failure
 * stays in the window a while longer, as one more failure would.)
 */
final class CircuitGuard {
    private static final Logger LOG = LoggerFactory.getLogger(CircuitGuard.class);

    /** A connection-level failure: what failed, its root cause's class, and when. */
    private record Failure(Throwable cause, String rootClass, Instant at) {
    }

    private final CircuitBreaker breaker;
    private final SqlDialect dialect;
    private final String storeName;
    private final Clock clock;
    private final AtomicReference<Instant> failingSince = new AtomicReference<>();
    /** The window's size: this many successes in a row leave nothing else in it (see the class comment). */
    private final int windowCalls;
    /** Successes recorded in a row since the last failure or state change, counted up to {@link #windowCalls}. */
    private final AtomicInteger successesInARow = new AtomicInteger();
    private volatile Failure last;

    CircuitGuard(BreakerSettings settings, SqlDialect dialect, String storeName, Clock clock) {
        this.dialect = dialect;
        this.storeName = storeName;
        this.clock = clock;
        this.breaker = settings.enabled() ? breaker(settings, storeName, clock) : null;
        this.windowCalls = settings.windowCalls();
        if (breaker != null) {
            breaker.getEventPublisher().onStateTransition(e -> {
                successesInARow.set(0); // a new state starts with a fresh window
                logTransition(e.getStateTransition().getToState());
            });
        }
    }

    /** A Resilience4j breaker configured from {@code settings} (package-private for the test that compares against it). */
    static CircuitBreaker breaker(BreakerSettings settings, String storeName, Clock clock) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowCalls())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openDuration())
                .permittedNumberOfCallsInHalfOpenState(1)
                .slowCallRateThreshold(100)
                .clock(clock)
                .build();
        return CircuitBreaker.of(storeName, config);
    }

    /**
     * Runs one call through the breaker.
     *
     * @throws DatabaseUnavailableException at once while the breaker is open (or its probe is under
     *                                      way), or when {@code body} failed at connection level
     */
    <T> T call(String operation, Supplier<T> body) {
        if (breaker != null && !breaker.tryAcquirePermission()) {
            throw rejected(operation);
        }
        long start = System.nanoTime();
        T result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            long took = System.nanoTime() - start;
            if (!isUnavailable(e)) {
                reached(took);
                throw e;
            }
            Instant since = failed(e);
            if (breaker != null) {
                successesInARow.set(0);
                breaker.onError(took, TimeUnit.NANOSECONDS, e);
            }
            if (e instanceof TokenStoreException && !(e instanceof DatabaseUnavailableException)) {
                throw new DatabaseUnavailableException(e.getMessage() + " (database unavailable since " + since + ")",
                        since, e.getCause() != null ? e.getCause() : e);
            }
            throw e;
        } catch (Error e) {
            if (breaker != null) {
                breaker.releasePermission();
            }
            throw e;
        }
        reached(System.nanoTime() - start);
        return result;
    }

    /** The state now, for {@link dev.tokenstore.DatabaseHealth}. */
    Availability availability() {
        Failure f = last;
        return new Availability(state(), failingSince.get(), f == null ? null : f.rootClass(),
                f == null ? null : f.at());
    }

    private Availability.State state() {
        if (breaker == null) {
            return Availability.State.CLOSED;
        }
        switch (breaker.getState()) {
            case OPEN:
            case FORCED_OPEN:
                return Availability.State.OPEN;
            case HALF_OPEN:
                return Availability.State.HALF_OPEN;
            default:
                return Availability.State.CLOSED;
        }
    }

    /** The database answered (perhaps with an error of the call's own): the outage, if any, is over. */
    private void reached(long tookNanos) {
        if (breaker != null && successesInARow.get() < windowCalls) {
            // counted first, so a success that closes the breaker is forgotten with the old window
            successesInARow.incrementAndGet();
            breaker.onSuccess(tookNanos, TimeUnit.NANOSECONDS);
        }
        if (failingSince.get() != null && state() == Availability.State.CLOSED) {
            failingSince.set(null);
        }
    }

    /** Records a connection-level failure; returns the start of the outage it belongs to. */
    private Instant failed(Throwable e) {
        Instant now = clock.instant();
        last = new Failure(e, classOf(rootCause(e)), now);
        failingSince.compareAndSet(null, now);
        Instant since = failingSince.get();
        return since != null ? since : now;
    }

    private DatabaseUnavailableException rejected(String operation) {
        Failure f = last;
        Instant since = failingSince.get();
        if (since == null) {
            since = f != null ? f.at() : clock.instant();
        }
        return new DatabaseUnavailableException(storeName + ": " + operation + " not attempted: database unavailable since "
                + since + " (circuit breaker " + state().name().toLowerCase(java.util.Locale.ROOT) + ", last failure "
                + (f == null ? "unknown" : f.rootClass()) + ")", since, f == null ? null : f.cause());
    }

    /** True if {@code e} (or what it wraps) is a connection-level failure of the database. */
    boolean isUnavailable(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof DatabaseUnavailableException) {
                return true;
            }
            if (t instanceof SQLException && dialect.isUnavailable((SQLException) t)) {
                return true;
            }
        }
        return false;
    }

    private void logTransition(CircuitBreaker.State to) {
        Failure f = last;
        switch (to) {
            case OPEN -> LOG.warn("{}: database unavailable since {} (last failure {}); failing calls at once for {} ms, "
                    + "then probing", storeName, failingSince.get(), f == null ? "unknown" : f.rootClass(),
                    breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
            case HALF_OPEN -> LOG.info("{}: probing the database", storeName);
            case CLOSED -> LOG.info("{}: database reachable again; circuit breaker closed", storeName);
            default -> LOG.debug("{}: circuit breaker now {}", storeName, to);
        }
    }

    /** The class name of a failure, seeing through the redacted copies of driver exceptions. */
    private static String classOf(Throwable t) {
        return t instanceof SqlRedaction.RedactedCause redacted ? redacted.originalClass()
                : t instanceof SqlRedaction.RedactedSqlException sql ? sql.originalClass() : t.getClass().getName();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t.getCause() != null && t.getCause() != t && depth < 16; depth++) {
            t = t.getCause();
        }
        return t;
    }
}
