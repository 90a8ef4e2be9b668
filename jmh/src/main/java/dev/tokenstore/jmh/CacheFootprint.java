package dev.tokenstore.jmh;

import java.util.OptionalDouble;

/**
 * Measures the cache's memory overhead per cached session with JOL: the object graph of the
 * caching wrapper with N sessions cached, minus the graph of the store under it (which holds the
 * records themselves) and minus the empty cache, divided by N.
 */
final class CacheFootprint {
    private CacheFootprint() {
    }

    /** Bytes of cache structure per cached session, or empty when the cache module is missing. */
    static OptionalDouble bytesPerSession(int sessions) {
        return OptionalDouble.empty();
    }
}
