package dev.tokenstore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link TokenStore#cleanupExpired()} every {@code interval} (default 5 minutes) plus or
 * minus a random {@code jitter} (default a tenth of the interval, so app instances started
 * together drift apart), on one daemon thread named {@value #DEFAULT_THREAD_NAME}.
 *
 * <p>Each round's counts are logged at DEBUG; a failed round is logged at WARN and the next
 * round runs as planned. The last round ({@link #lastRun()}) and the last successful one
 * ({@link #lastSuccess()}) are kept. When the store (or the store set with
 * {@link Builder#coordination}) is a {@link CleanupCoordination}, a round runs only if no other
 * store instance over the same data is cleaning, and is {@linkplain CleanupRun.Outcome#SKIPPED
 * skipped} otherwise. {@link #close()} stops the thread; it does not close the store.
 *
 * <pre>{@code
 * CleanupScheduler cleanup = CleanupScheduler.builder(store).interval(Duration.ofMinutes(5)).start();
 * ...
 * cleanup.close();   // before store.close()
 * }</pre>
 */
public final class CleanupScheduler implements AutoCloseable {
    /** Interval used when none is set. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    /** Name of the scheduler's thread when none is set. */
    public static final String DEFAULT_THREAD_NAME = "tokenstore-cleanup";

    private static final Logger LOG = LoggerFactory.getLogger(CleanupScheduler.class);

    private final TokenStore store;
    private final CleanupCoordination coordination;
    private final Duration interval;
    private final Duration jitter;
    private final Duration closeTimeout;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object roundLock = new Object();
    private volatile CleanupRun lastRun;
    private volatile CleanupRun lastSuccess;

    private CleanupScheduler(Builder b) {
        this.store = b.store;
        this.coordination = b.coordination != null ? b.coordination
                : b.store.features().cleanupCoordination().orElse(null);
        this.interval = b.interval;
        this.jitter = b.jitter != null ? b.jitter : b.interval.dividedBy(10);
        this.closeTimeout = b.closeTimeout;
        this.clock = b.clock;
        String threadName = b.threadName;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        // close() must not wait for the next round, only for one that is running
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
    }

    /** Starts configuring a scheduler that cleans {@code store}. */
    public static Builder builder(TokenStore store) {
        return new Builder(Checks.requireNonNull(store, "store"));
    }

    /** The interval between rounds, before jitter. */
    public Duration interval() {
        return interval;
    }

    /** Each delay is the interval plus or minus at most this much. */
    public Duration jitter() {
        return jitter;
    }

    /** Whether rounds are coordinated with other store instances over the same data. */
    public boolean coordinated() {
        return coordination != null;
    }

    /** The last round, if one has run. */
    public Optional<CleanupRun> lastRun() {
        return Optional.ofNullable(lastRun);
    }

    /** The last round that cleaned (not skipped, not failed), if any. */
    public Optional<CleanupRun> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    /**
     * Runs one round now on the calling thread (waiting for a scheduled round that is running)
     * and returns it; failures are logged and returned, not thrown. The schedule is not changed.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public CleanupRun runNow() {
        if (closed.get()) {
            throw new IllegalStateException("the cleanup scheduler is closed");
        }
        return round();
    }

    /**
     * Stops scheduling rounds and waits (at most {@code closeTimeout}, default 30 s) for a round
     * that is running to end. Does not close the store. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(closeTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("a tokenstore cleanup round was still running {} after close; interrupting it", closeTimeout);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "CleanupScheduler[interval=" + interval + ", jitter=" + jitter + ", coordinated=" + coordinated()
                + ", store=" + store + "]";
    }

    private CleanupScheduler start(Duration initialDelay) {
        schedule(initialDelay != null ? initialDelay.toNanos() : nextDelayNanos());
        LOG.debug("tokenstore cleanup scheduled every {} (jitter {}), coordinated={}", interval, jitter, coordinated());
        return this;
    }

    private void schedule(long delayNanos) {
        if (closed.get()) {
            return;
        }
        try {
            executor.schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed between the check and the call: nothing more to run
        }
    }

    private void tick() {
        try {
            if (!closed.get()) {
                round();
            }
        } finally {
            schedule(nextDelayNanos());
        }
    }

    private long nextDelayNanos() {
        return jitteredNanos(interval.toNanos(), jitter.toNanos(), ThreadLocalRandom.current().nextDouble());
    }

    /** {@code base} moved by {@code (2u − 1) × jitter}, for {@code u} in [0, 1); never below 1 ns. */
    static long jitteredNanos(long baseNanos, long jitterNanos, double u) {
        long offset = (long) ((2 * u - 1) * jitterNanos);
        return Math.max(1, baseNanos + offset);
    }

    private CleanupRun round() {
        synchronized (roundLock) {
            Instant started = clock.instant();
            long t0 = System.nanoTime();
            CleanupRun run;
            try {
                Optional<CleanupResult> result = coordination == null ? Optional.of(store.cleanupExpired())
                        : coordination.cleanupIfNoOtherInstanceIs(store::cleanupExpired);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                if (result.isPresent()) {
                    CleanupResult r = result.get();
                    run = new CleanupRun(started, took, CleanupRun.Outcome.CLEANED, r, null);
                    lastSuccess = run;
                    LOG.debug("tokenstore cleanup removed {} states, {} auth codes and {} sessions in {} ms",
                            r.states(), r.authCodes(), r.sessions(), took.toMillis());
                } else {
                    run = new CleanupRun(started, took, CleanupRun.Outcome.SKIPPED, CleanupResult.NONE, null);
                    LOG.debug("tokenstore cleanup skipped: another store instance is cleaning");
                }
            } catch (RuntimeException e) {
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                run = new CleanupRun(started, took, CleanupRun.Outcome.FAILED, CleanupResult.NONE,
                        e.getClass().getName());
                LOG.warn("tokenstore cleanup failed; the next round runs in about {}", interval, e);
            }
            lastRun = run;
            return run;
        }
    }

    /** Options of a {@link CleanupScheduler}; every setter names the option it rejects. */
    public static final class Builder {
        private final TokenStore store;
        private CleanupCoordination coordination;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration jitter;
        private Duration initialDelay;
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private String threadName = DEFAULT_THREAD_NAME;

        private Builder(TokenStore store) {
            this.store = store;
        }

        /** Time between rounds before jitter (default 5 minutes); positive. */
        public Builder interval(Duration interval) {
            this.interval = positive(interval, "interval");
            return this;
        }

        /** Most a delay differs from the interval, either way (default interval / 10); less than the interval. */
        public Builder jitter(Duration jitter) {
            Checks.requireNonNull(jitter, "jitter");
            if (jitter.isNegative()) {
                throw new IllegalArgumentException("jitter must not be negative, was " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /** Delay before the first round (default: one jittered interval); zero or more. */
        public Builder initialDelay(Duration initialDelay) {
            Checks.requireNonNull(initialDelay, "initialDelay");
            if (initialDelay.isNegative()) {
                throw new IllegalArgumentException("initialDelay must not be negative, was " + initialDelay);
            }
            this.initialDelay = initialDelay;
            return this;
        }

        /** How long {@link CleanupScheduler#close()} waits for a running round (default 30 s); positive. */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = positive(closeTimeout, "closeTimeout");
            return this;
        }

        /**
         * Coordinate rounds through this store's {@link CleanupCoordination} (default: the cleaned
         * store's, if it has it). Use it when the cleaned store is a wrapper that hides the
         * backend's capability, e.g. {@code .coordination(backend)} for a cache over the backend.
         */
        public Builder coordination(CleanupCoordination coordination) {
            this.coordination = Checks.requireNonNull(coordination, "coordination");
            return this;
        }

        /** The clock that timestamps rounds (default system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Checks.requireNonNull(clock, "clock");
            return this;
        }

        /** Name of the scheduler's daemon thread (default {@value CleanupScheduler#DEFAULT_THREAD_NAME}). */
        public Builder threadName(String threadName) {
            this.threadName = Checks.requireText(threadName, "threadName");
            return this;
        }

        /** Builds the scheduler and schedules its first round. */
        public CleanupScheduler start() {
            Duration effectiveJitter = jitter != null ? jitter : interval.dividedBy(10);
            if (effectiveJitter.compareTo(interval) >= 0) {
                throw new IllegalArgumentException("jitter (" + effectiveJitter + ") must be less than interval ("
                        + interval + ")");
            }
            return new CleanupScheduler(this).start(initialDelay);
        }

        private static Duration positive(Duration value, String option) {
            Checks.requireNonNull(value, option);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(option + " must be positive, was " + value);
            }
            return value;
        }
    }
}
