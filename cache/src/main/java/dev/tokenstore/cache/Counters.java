package dev.tokenstore.cache;

import java.util.concurrent.atomic.LongAdder;

/** The cache's counters; cheap under contention (one {@link LongAdder} each). */
final class Counters {
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder negativeHits = new LongAdder();
    final LongAdder loads = new LongAdder();
    final LongAdder loadFailures = new LongAdder();
    final LongAdder invalidations = new LongAdder();
    final LongAdder evictions = new LongAdder();
    /** Wall time spent in loads from the delegate, successful or not (System.nanoTime, not the store's clock). */
    final LongAdder loadNanos = new LongAdder();

    CacheStats snapshot(long entries) {
        return new CacheStats(hits.sum(), misses.sum(), negativeHits.sum(), loads.sum(), loadFailures.sum(),
                invalidations.sum(), evictions.sum(), entries, loadNanos.sum());
    }
}
