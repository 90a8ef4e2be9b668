package dev.tokenstore.cache;

/**
 * A snapshot of a {@link CachingTokenStore}'s counters since it was built. Only numbers: never a
 * token, id or any personal data.
 *
 * @param hits          lookups answered from memory with a record
 * @param misses        lookups that were not answered from memory on the fast path (they waited
 *                      for a concurrent load of the same key, or loaded from the delegate)
 * @param negativeHits  lookups answered from memory with "not found" (a cached miss)
 * @param loads         reads that reached the delegate and succeeded (including background
 *                      refreshes of clients)
 * @param loadFailures  reads that reached the delegate and failed (the error went to the caller,
 *                      or, for a background refresh, the old value was kept)
 * @param invalidations keys invalidated by writes, deletes and revocations through the cache
 * @param evictions     entries dropped because the cache was full ({@code maxEntries})
 * @param entries       entries held right now (sessions by each lookup path, and clients)
 * @param loadNanos     total time spent loading from the delegate, successful or failed loads
 *                      (elapsed time, not the store's clock)
 */
public record CacheStats(long hits, long misses, long negativeHits, long loads, long loadFailures,
                         long invalidations, long evictions, long entries, long loadNanos) {

    /** Counters without load timing (reported as 0). */
    public CacheStats(long hits, long misses, long negativeHits, long loads, long loadFailures,
                      long invalidations, long evictions, long entries) {
        this(hits, misses, negativeHits, loads, loadFailures, invalidations, evictions, entries, 0L);
    }

    /** Lookups counted: hits, negative hits and misses. */
    public long requestCount() {
        return hits + negativeHits + misses;
    }

    /** Share of lookups answered from memory (hits and negative hits); 0 when nothing was asked. */
    public double hitRate() {
        long requests = requestCount();
        return requests == 0 ? 0.0 : (double) (hits + negativeHits) / requests;
    }
}
