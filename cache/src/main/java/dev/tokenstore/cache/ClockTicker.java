package dev.tokenstore.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Caffeine's time source, driven by the cache's {@link Clock}, so a test clock moves expiry and
 * refresh too. Reads are nanoseconds since the ticker was made (saturating, never overflowing).
 */
final class ClockTicker implements Ticker {
    /** Beyond this many seconds from the origin, readings saturate (about 126 years). */
    private static final long MAX_SECONDS = 4_000_000_000L;
    private final Clock clock;
    private final long originSeconds;
    private final int originNanos;

    ClockTicker(Clock clock) {
        this.clock = clock;
        Instant origin = clock.instant();
        this.originSeconds = origin.getEpochSecond();
        this.originNanos = origin.getNano();
    }

    @Override
    public long read() {
        return at(clock.instant());
    }

    /** The ticker reading at {@code instant}. */
    long at(Instant instant) {
        long seconds = instant.getEpochSecond() - originSeconds;
        if (seconds > MAX_SECONDS || seconds < -MAX_SECONDS) {
            return seconds > 0 ? Long.MAX_VALUE / 2 : Long.MIN_VALUE / 2;
        }
        return seconds * 1_000_000_000L + (instant.getNano() - originNanos);
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
