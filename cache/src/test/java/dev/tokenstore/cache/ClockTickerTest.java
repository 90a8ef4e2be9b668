package dev.tokenstore.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ClockTicker")
class ClockTickerTest {
    private static final Instant ORIGIN = Instant.parse("2026-11-22T10:00:00.250Z");

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    @Test
    @DisplayName("reads nanoseconds since the origin, at millisecond resolution")
    void readsMillis() {
        ClockTicker ticker = new ClockTicker(at(ORIGIN));
        assertEquals(0, ticker.read());
        assertEquals(1_500_000_000L, ticker.at(ORIGIN.plusMillis(1_500)));
        assertEquals(-2_000_000L, ticker.at(ORIGIN.minusMillis(2)));
    }

    @Test
    @DisplayName("rounds instants down to the millisecond, so read() < at(expiry) means before expiry")
    void roundsDown() {
        ClockTicker ticker = new ClockTicker(at(ORIGIN));
        assertEquals(3_000_000L, ticker.at(ORIGIN.plusNanos(3_999_999)));
        Instant expiry = ORIGIN.plusNanos(10_500_000); // 10.5 ms after the origin
        assertEquals(10_000_000L, ticker.at(expiry));
        Clock justBefore = Clock.offset(at(ORIGIN), Duration.ofNanos(10_400_000));
        long now = ticker.at(justBefore.instant());
        assertTrue(now >= ticker.at(expiry), "10.4 ms reads as 10 ms: not before an expiry that reads as 10 ms");
    }

    @Test
    @DisplayName("saturates instead of overflowing for far instants")
    void saturates() {
        ClockTicker ticker = new ClockTicker(at(ORIGIN));
        assertEquals(Long.MAX_VALUE / 2, ticker.at(Instant.MAX));
        assertEquals(Long.MIN_VALUE / 2, ticker.at(Instant.MIN));
        assertEquals(Long.MAX_VALUE / 2, ticker.at(ORIGIN.plus(Duration.ofDays(365L * 200))));
        assertEquals(Long.MAX_VALUE / 2, ClockTicker.nanos(Duration.ofSeconds(Long.MAX_VALUE)));
        assertEquals(Long.MIN_VALUE / 2, ClockTicker.nanos(Duration.ofSeconds(Long.MIN_VALUE)));
    }
}
