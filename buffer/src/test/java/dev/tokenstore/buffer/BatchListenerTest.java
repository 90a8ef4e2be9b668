package dev.tokenstore.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchListenerTest {
    private final TestClock clock = new TestClock();
    private final Sessions sessions = new Sessions(clock);

    @Test
    void listenersHearEveryCommittedBatchWithItsSizeAndTime() throws Exception {
        TestDelegate delegate = TestDelegate.bulk(clock);
        try (BufferedTokenStore store = BufferedTokenStore.builder(delegate).clock(clock).maxBatchSize(3)
                .maxDelay(Duration.ofHours(1)).build()) {
            assertSame(delegate, store.delegate());
            List<long[]> batches = new CopyOnWriteArrayList<>();
            CountDownLatch twoBatches = new CountDownLatch(2);
            store.addBatchListener((size, nanos) -> {
                batches.add(new long[] {size, nanos});
                twoBatches.countDown();
            });
            store.addBatchListener((size, nanos) -> {
                throw new IllegalStateException("a broken listener is logged and ignored");
            });
            for (int i = 0; i < 5; i++) {
                store.storeSession(sessions.session("s" + i, "u"));
            }
            store.flush();
            assertTrue(twoBatches.await(30, TimeUnit.SECONDS));
            assertEquals(5, batches.stream().mapToLong(b -> b[0]).sum());
            assertTrue(batches.stream().allMatch(b -> b[0] >= 1 && b[0] <= 3 && b[1] >= 0));
            assertEquals(batches.size(), store.stats().batches());
        }
    }

    @Test
    void aNullListenerIsRefusedByName() {
        try (BufferedTokenStore store = BufferedTokenStore.builder(TestDelegate.bulk(clock)).clock(clock).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.addBatchListener(null));
            assertTrue(e.getMessage().contains("listener"), e.getMessage());
        }
    }
}
