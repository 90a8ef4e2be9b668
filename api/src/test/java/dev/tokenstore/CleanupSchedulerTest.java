package dev.tokenstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.testing.TestClock;
import dev.tokenstore.testing.TestRecords;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CleanupSchedulerTest {
    private final TestClock clock = new TestClock();
    private final TestRecords records = new TestRecords(clock);
    private final InMemoryTokenStore memory = new InMemoryTokenStore(clock);
    private final List<CleanupScheduler> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(CleanupScheduler::close);
        memory.close();
    }

    private CleanupScheduler start(CleanupScheduler.Builder builder) {
        CleanupScheduler scheduler = builder.start();
        started.add(scheduler);
        return scheduler;
    }

    /** A scheduler whose first round is a day away, for rounds run with runNow(). */
    private CleanupScheduler idle(TokenStore store) {
        return start(CleanupScheduler.builder(store).clock(clock).initialDelay(Duration.ofDays(1)));
    }

    @Test
    void aRoundRemovesExpiredRecordsAndIsKeptWithItsTime() {
        memory.storeState(records.state(Duration.ofSeconds(10)));
        memory.storeAuthCode(records.code(Duration.ofSeconds(10)));
        memory.storeState(records.state(Duration.ofHours(1)));
        CleanupScheduler scheduler = idle(memory);
        assertTrue(scheduler.lastRun().isEmpty());
        clock.advance(Duration.ofMinutes(1));

        CleanupRun run = scheduler.runNow();

        assertEquals(CleanupRun.Outcome.CLEANED, run.outcome());
        assertEquals(new CleanupResult(1, 1, 0), run.result());
        assertEquals(clock.instant(), run.startedAt());
        assertEquals(Optional.of(run), scheduler.lastRun());
        assertEquals(Optional.of(run), scheduler.lastSuccess());
        assertEquals(CleanupResult.NONE, scheduler.runNow().result(), "nothing left to remove");
    }

    @Test
    void aFailedRoundIsKeptWithoutItsMessageAndTheNextRoundRuns() {
        AtomicBoolean fail = new AtomicBoolean(false);
        TokenStore flaky = new ForwardingTokenStore() {
            @Override
            protected TokenStore delegate() {
                return memory;
            }

            @Override
            public CleanupResult cleanupExpired() {
                if (fail.get()) {
                    throw new TokenStoreException("database unreachable: secret-looking detail");
                }
                return super.cleanupExpired();
            }
        };
        CleanupScheduler scheduler = idle(flaky);
        CleanupRun ok = scheduler.runNow();
        fail.set(true);

        CleanupRun failed = scheduler.runNow();
        assertEquals(CleanupRun.Outcome.FAILED, failed.outcome());
        assertEquals(Optional.of(TokenStoreException.class.getName()), failed.failureType());
        assertFalse(failed.toString().contains("secret-looking"), failed.toString());
        assertEquals(Optional.of(failed), scheduler.lastRun());
        assertEquals(Optional.of(ok), scheduler.lastSuccess(), "the last success is kept");

        fail.set(false);
        assertEquals(CleanupRun.Outcome.CLEANED, scheduler.runNow().outcome());
    }

    @Test
    void coordinationThatFindsAnotherInstanceCleaningSkipsTheRound() {
        AtomicInteger cleanups = new AtomicInteger();
        TokenStore counting = new ForwardingTokenStore() {
            @Override
            protected TokenStore delegate() {
                return memory;
            }

            @Override
            public CleanupResult cleanupExpired() {
                cleanups.incrementAndGet();
                return super.cleanupExpired();
            }
        };
        AtomicBoolean otherInstanceCleaning = new AtomicBoolean(true);
        CleanupCoordination coordination = cleanup -> otherInstanceCleaning.get() ? Optional.empty()
                : Optional.of(cleanup.get());
        CleanupScheduler scheduler = start(CleanupScheduler.builder(counting).coordination(coordination)
                .initialDelay(Duration.ofDays(1)));
        assertTrue(scheduler.coordinated());

        CleanupRun skipped = scheduler.runNow();
        assertEquals(CleanupRun.Outcome.SKIPPED, skipped.outcome());
        assertEquals(0, cleanups.get());
        assertTrue(scheduler.lastSuccess().isEmpty());

        otherInstanceCleaning.set(false);
        assertEquals(CleanupRun.Outcome.CLEANED, scheduler.runNow().outcome());
        assertEquals(1, cleanups.get());
    }

    @Test
    void aStoreThatIsACleanupCoordinationIsCoordinatedByDefault() {
        class CoordinatedStore extends ForwardingTokenStore implements CleanupCoordination {
            @Override
            protected TokenStore delegate() {
                return memory;
            }

            @Override
            public Optional<CleanupResult> cleanupIfNoOtherInstanceIs(java.util.function.Supplier<CleanupResult> c) {
                return Optional.empty();
            }
        }
        assertTrue(idle(new CoordinatedStore()).coordinated());
        assertFalse(idle(memory).coordinated());
    }

    @Test
    void roundsRunOnOneNamedDaemonThreadUntilClosed() throws Exception {
        CountDownLatch threeRounds = new CountDownLatch(3);
        List<Thread> threads = new CopyOnWriteArrayList<>();
        AtomicInteger rounds = new AtomicInteger();
        TokenStore observed = new ForwardingTokenStore() {
            @Override
            protected TokenStore delegate() {
                return memory;
            }

            @Override
            public CleanupResult cleanupExpired() {
                threads.add(Thread.currentThread());
                rounds.incrementAndGet();
                threeRounds.countDown();
                return super.cleanupExpired();
            }
        };
        CleanupScheduler scheduler = start(CleanupScheduler.builder(observed).interval(Duration.ofMillis(1))
                .jitter(Duration.ZERO).initialDelay(Duration.ZERO).threadName("cleanup-under-test"));

        assertTrue(threeRounds.await(30, TimeUnit.SECONDS), "three scheduled rounds");
        Thread thread = threads.get(0);
        assertEquals("cleanup-under-test", thread.getName());
        assertTrue(thread.isDaemon());
        assertTrue(threads.stream().allMatch(t -> t == thread), "always the same thread");

        scheduler.close();
        thread.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(thread.isAlive(), "the thread ends on close");
        int afterClose = rounds.get();
        assertThrows(IllegalStateException.class, scheduler::runNow);
        assertEquals(afterClose, rounds.get());
        scheduler.close(); // idempotent
    }

    @Test
    void jitterMovesEachDelayEitherWayWithinItsBound() {
        long base = Duration.ofMinutes(5).toNanos();
        long jitter = Duration.ofSeconds(30).toNanos();
        assertEquals(base - jitter, CleanupScheduler.jitteredNanos(base, jitter, 0.0));
        assertEquals(base, CleanupScheduler.jitteredNanos(base, jitter, 0.5));
        assertTrue(CleanupScheduler.jitteredNanos(base, jitter, 0.999999) <= base + jitter);
        assertEquals(1, CleanupScheduler.jitteredNanos(0, 0, 0.3), "never zero or negative");
    }

    @Test
    void defaultsAreFiveMinutesWithATenthOfJitter() {
        CleanupScheduler scheduler = start(CleanupScheduler.builder(memory));
        assertEquals(Duration.ofMinutes(5), scheduler.interval());
        assertEquals(Duration.ofSeconds(30), scheduler.jitter());
    }

    @Test
    void badOptionsNameTheOption() {
        CleanupScheduler.Builder b = CleanupScheduler.builder(memory);
        assertMessage("interval", assertThrows(IllegalArgumentException.class, () -> b.interval(Duration.ZERO)));
        assertMessage("jitter", assertThrows(IllegalArgumentException.class, () -> b.jitter(Duration.ofSeconds(-1))));
        assertMessage("initialDelay", assertThrows(IllegalArgumentException.class, () -> b.initialDelay(null)));
        assertMessage("threadName", assertThrows(IllegalArgumentException.class, () -> b.threadName(" ")));
        assertMessage("store", assertThrows(IllegalArgumentException.class, () -> CleanupScheduler.builder(null)));
        b.interval(Duration.ofSeconds(10)).jitter(Duration.ofSeconds(10));
        assertMessage("jitter", assertThrows(IllegalArgumentException.class, b::start));
    }

    @Test
    void aFailedRunNeedsAFailureType() {
        assertThrows(IllegalArgumentException.class, () -> new CleanupRun(clock.instant(), Duration.ZERO,
                CleanupRun.Outcome.FAILED, CleanupResult.NONE, null));
        CleanupRun run = new CleanupRun(clock.instant(), Duration.ZERO, CleanupRun.Outcome.SKIPPED,
                CleanupResult.NONE, null);
        assertNull(run.failure());
        assertSame(CleanupResult.NONE, run.result());
    }

    private static void assertMessage(String expected, Exception e) {
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
