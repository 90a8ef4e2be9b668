package dev.tokenstore.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A UTC clock that moves only when a test moves it; thread-safe, starts at 2030-01-01T00:00:00Z. */
public final class TestClock extends Clock {
    /** Where every new TestClock starts. */
    public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;

    /** A clock at {@link #START}. */
    public TestClock() {
        this(START);
    }

    /** A clock at {@code start}. */
    public TestClock(Instant start) {
        now = new AtomicReference<>(start);
    }

    /** Moves the clock by {@code amount} (negative moves it back). */
    public void advance(Duration amount) {
        now.updateAndGet(t -> t.plus(amount));
    }

    /** Sets the clock to {@code instant}. */
    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
