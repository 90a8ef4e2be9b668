package dev.tokenstore.jmh;

import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.AckMode;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import java.time.Duration;

/**
 * Builds the cache and buffer wrappers with the settings the benchmarks use, and flushes them.
 * Cache: room for a million entries (every preloaded session by all three lookup paths, plus the
 * writes), other options at their defaults. Buffer: batches of 1000, 50 ms delay; write-behind
 * holds at most {@value #WRITE_BEHIND_PENDING} writes, so a throughput figure cannot run far ahead
 * of what was actually flushed.
 */
final class Wrappers {
    static final int CACHE_ENTRIES = 1_000_000;
    static final int BATCH = 1000;
    static final int WRITE_BEHIND_PENDING = 4 * BATCH;
    static final Duration MAX_DELAY = Duration.ofMillis(50);

    private Wrappers() {
    }

    static TokenStore wrap(Wrapping wrapping, TokenStore raw) {
        switch (wrapping) {
            case RAW:
                return raw;
            case CACHED:
                return cached(raw);
            case BUFFERED:
                return buffered(raw, AckMode.WRITE_BEHIND);
            case GROUP_COMMIT:
                return buffered(raw, AckMode.GROUP_COMMIT);
            case CACHED_BUFFERED:
                return cached(buffered(raw, AckMode.WRITE_BEHIND));
            default:
                throw new AssertionError(wrapping);
        }
    }

    static CachingTokenStore cached(TokenStore delegate) {
        return CachingTokenStore.builder(delegate).maxEntries(CACHE_ENTRIES).build();
    }

    static BufferedTokenStore buffered(TokenStore delegate, AckMode mode) {
        BufferedTokenStore.Builder b = BufferedTokenStore.builder(delegate).maxBatchSize(BATCH).maxDelay(MAX_DELAY)
                .ackMode(mode);
        if (mode == AckMode.WRITE_BEHIND) {
            b.maxPending(WRITE_BEHIND_PENDING);
        }
        return b.build();
    }

    /** The wrappers' counters (never a token), e.g. {@code cache CacheStats[...]; buffer BufferStats[...]}; empty for raw. */
    static String stats(TokenStore store) {
        if (store instanceof CachingTokenStore) {
            String inner = stats(((CachingTokenStore) store).delegate());
            return "cache " + ((CachingTokenStore) store).stats() + (inner.isEmpty() ? "" : "; " + inner);
        }
        if (store instanceof BufferedTokenStore) {
            return "buffer " + ((BufferedTokenStore) store).stats();
        }
        return "";
    }

    /** Forces pending buffered writes out (through any cache on top); a no-op for stores without a buffer. */
    static void flush(TokenStore store) {
        if (store instanceof CachingTokenStore) {
            flush(((CachingTokenStore) store).delegate());
        } else if (store instanceof BufferedTokenStore) {
            ((BufferedTokenStore) store).flush();
        }
    }
}
