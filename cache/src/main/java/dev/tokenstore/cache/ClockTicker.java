package dev.tokenstore.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Caffeine's time source, driven by the cache's {@link Clock}, so a test clock moves expiry and
 * refresh too. Readings are nanoseconds since the ticker was made, at millisecond resolution
 * ({@link Clock#millis()}: no {@link Instant} per read, and every stored instant is already
 * truncated to milliseconds). Both readings and {@link #at(Instant)} round down to the
 * millisecond, so {@code read() < at(expiry)} implies the clock is before {@code expiry}.
 * Readings saturate instead of overflowing.
 */
final class ClockTicker implements Ticker {
    /** Beyond this many milliseconds from the origin, readings saturate (about 126 years). */
    private static final long MAX_MILLIS = 4_000_000_000_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private final Clock clock;
    private final long originMillis;

    ClockTicker(Clock clock) {
        this.clock = clock;
        this.originMillis = clock.millis();
    }

    @Override
    public long read() {
        return fromOrigin(clock.millis());
    }

    /** The ticker reading at {@code instant}. */
    long at(Instant instant) {
        long millis;
        try {
            millis = instant.toEpochMilli();
        } catch (ArithmeticException outOfRange) {
            return instant.getEpochSecond() > 0 ? Long.MAX_VALUE / 2 : Long.MIN_VALUE / 2;
        }
        return fromOrigin(millis);
    }

    private long fromOrigin(long epochMillis) {
        if (epochMillis > originMillis + MAX_MILLIS) {
            return Long.MAX_VALUE / 2;
        }
        if (epochMillis < originMillis - MAX_MILLIS) {
            return Long.MIN_VALUE / 2;
        }
        return (epochMillis - originMillis) * NANOS_PER_MILLI;
    }

    /** {@code duration} in nanoseconds, saturated to the long range. */
    static long nanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException overflow) {
            return duration.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }

    Clock clock() {
        return clock;
    }
}
