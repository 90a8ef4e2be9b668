package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.CleanupCoordination;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.CleanupRun;
import dev.tokenstore.CleanupScheduler;
import dev.tokenstore.TokenStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two store instances over one schema: at most one cleans at a time (advisory lock), in bounded chunks. */
class PostgresCleanupLockTest extends PostgresFixture {

    @Test
    void whileOneInstanceCleansTheOtherSkipsAndAfterwardsItMayClean() throws Exception {
        TokenStore a = open(o -> o.property("jdbc.cleanupChunkSize", "10"));
        TokenStore b = open(o -> o.poolSize(2));
        for (int i = 0; i < 25; i++) {
            a.storeState(data.state(Duration.ofSeconds(5)));
        }
        a.storeState(data.state(Duration.ofHours(1)));
        clock.advance(Duration.ofMinutes(1));

        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Optional<CleanupResult>> first = CompletableFuture.supplyAsync(() ->
                ((CleanupCoordination) a).cleanupIfNoOtherInstanceIs(() -> {
                    holding.countDown();
                    await(release);
                    return a.cleanupExpired();
                }));
        assertTrue(holding.await(30, TimeUnit.SECONDS));

        assertEquals(Optional.empty(), ((CleanupCoordination) b).cleanupIfNoOtherInstanceIs(b::cleanupExpired),
                "the other instance is cleaning");
        CleanupScheduler scheduler = CleanupScheduler.builder(b).clock(clock).initialDelay(Duration.ofDays(1)).start();
        try {
            assertTrue(scheduler.coordinated());
            assertEquals(CleanupRun.Outcome.SKIPPED, scheduler.runNow().outcome());

            release.countDown();
            assertEquals(Optional.of(new CleanupResult(25, 0, 0)), first.get(30, TimeUnit.SECONDS),
                    "chunks of 10 remove every expired state");
            assertEquals(1, count("tokenstore_states"), "the live state stays");

            CleanupRun after = scheduler.runNow();
            assertEquals(CleanupRun.Outcome.CLEANED, after.outcome(), "the lock was released");
            assertEquals(CleanupResult.NONE, after.result());
        } finally {
            release.countDown();
            scheduler.close();
        }
    }

    @Test
    void aFailingCleanupReleasesTheLock() {
        TokenStore a = open();
        TokenStore b = open();
        CleanupCoordination coordinated = (CleanupCoordination) a;
        try {
            coordinated.cleanupIfNoOtherInstanceIs(() -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // the cleanup's own failure comes back unchanged
        }
        assertEquals(Optional.of(CleanupResult.NONE), ((CleanupCoordination) b).cleanupIfNoOtherInstanceIs(b::cleanupExpired));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
