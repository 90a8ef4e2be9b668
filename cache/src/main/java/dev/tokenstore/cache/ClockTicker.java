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
    private final Clock clock;
    private final Instant origin;

    ClockTicker(Clock clock) {
        this.clock = clock;
        this.origin = clock.instant();
    }

    @Override
    public long read() {
        return at(clock.instant());
    }

    /** The ticker reading at {@code instant}. */
    long at(Instant instant) {
        return nanos(Duration.between(origin, instant));
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
