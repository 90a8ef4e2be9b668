package dev.tokenstore.buffer;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/** The validated options of one {@link BufferedTokenStore}. */
record BufferSettings(int maxBatchSize, Duration maxDelay, int maxPending, AckMode ackMode,
        Duration enqueueTimeout, int maxRetries, Duration retryBackoff, Consumer<FlushFailure> onFlushError,
        Clock clock) {

    /** Back-off before retry {@code attempt} (1-based): {@code retryBackoff × 2^(attempt-1)}, at most 32 × retryBackoff. */
    long backoffNanos(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 5);
        return retryBackoff.toNanos() << shift;
    }
}
