package dev.tokenstore.tck;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assertions;

/**
 * Waits for something another thread or instance makes true (a change delivered by a feed), by
 * checking it every few milliseconds until a deadline; fails naming what did not happen. The
 * deadline is generous on purpose: it only bounds a broken implementation's test time, while the
 * bounds an implementation promises are measured by the JMH benchmarks, not here.
 */
public final class Eventually {
    /** How long the kits wait for a change to arrive through a feed. */
    public static final Duration FEED_DEADLINE = Duration.ofSeconds(15);

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails after {@code deadline}. */
    public static void within(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                Assertions.fail("not within " + deadline + ": " + what);
            }
            LockSupport.parkNanos(2_000_000L);
        }
    }
}
