package dev.tokenstore.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.TransactionalTokenStore;
import dev.tokenstore.testing.TestClock;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BufferedTokenStore.Builder")
class BufferBuilderTest {
    private final TestClock clock = new TestClock();

    private static void assertRejected(String option, Consumer<BufferedTokenStore.Builder> bad) {
        BufferedTokenStore.Builder builder = BufferedTokenStore.builder(new TestDelegate(new TestClock()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bad.accept(builder));
        assertTrue(e.getMessage().startsWith(option), () -> "message should name " + option + ": " + e.getMessage());
    }

    @Test
    @DisplayName("every bad option is rejected with a message naming it")
    void badOptionsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> BufferedTokenStore.builder(null));
        assertRejected("maxBatchSize", b -> b.maxBatchSize(0));
        assertRejected("maxPending", b -> b.maxPending(0));
        assertRejected("maxDelay", b -> b.maxDelay(Duration.ZERO));
        assertRejected("maxDelay", b -> b.maxDelay(Duration.ofMillis(-1)));
        assertRejected("maxDelay", b -> b.maxDelay(null));
        assertRejected("ackMode", b -> b.ackMode(null));
        assertRejected("enqueueTimeout", b -> b.enqueueTimeout(Duration.ofSeconds(-1)));
        assertRejected("maxRetries", b -> b.maxRetries(-1));
        assertRejected("retryBackoff", b -> b.retryBackoff(null));
        assertRejected("onFlushError", b -> b.onFlushError(null));
        assertRejected("clock", b -> b.clock(null));
        assertRejected("maxBatchSize", b -> b.maxBatchSize(10).maxPending(5).build());
    }

    @Test
    @DisplayName("the built store implements exactly the capabilities of its delegate")
    void capabilitiesPassThrough() {
        try (BufferedTokenStore plain = BufferedTokenStore.builder(TestDelegate.singleOps(clock)).build();
                BufferedTokenStore bulk = BufferedTokenStore.builder(TestDelegate.bulk(clock)).build();
                BufferedTokenStore tx = BufferedTokenStore.builder(TestDelegate.transactional(clock)).build()) {
            assertFalse(plain.features().bulk().isPresent());
            assertFalse(plain.features().transactions().isPresent());
            assertTrue(bulk.features().bulk().isPresent());
            assertFalse(bulk.features().transactions().isPresent());
            assertTrue(tx.features().transactions().isPresent());
            assertFalse(tx.features().bulk().isPresent());
            assertEquals("single-ops", plain.flushStrategy());
            assertEquals("bulk", bulk.flushStrategy());
            assertEquals("transaction", tx.flushStrategy());
            // stacking keeps them
            try (BufferedTokenStore stacked = BufferedTokenStore.builder(bulk).build()) {
                assertTrue(stacked.features().bulk().isPresent());
                assertEquals("bulk", stacked.flushStrategy());
            }
        }
    }

    @Test
    @DisplayName("the flusher is one named daemon thread")
    void flusherThreadIsNamedDaemon() {
        try (BufferedTokenStore store = BufferedTokenStore.builder(TestDelegate.singleOps(clock)).build()) {
            Thread flusher = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("tokenstore-buffer-flusher-")).findAny().orElseThrow();
            assertTrue(flusher.isDaemon());
            assertTrue(store.toString().contains("WRITE_BEHIND"));
        }
    }
}
