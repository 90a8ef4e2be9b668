package dev.tokenstore.cache;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.tokenstore.ClientRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-through cache of client lookups on a Caffeine loading cache: concurrent misses load once,
 * and with {@code refreshAfter} an entry older than that is reloaded in the background while the
 * old value is still served (a failed reload keeps the old value and is logged). Writes through
 * the cache invalidate the key; Caffeine blocks on a load in progress and drops a refresh that was
 * in flight, so neither can put an older value back.
 */
final class ClientCache {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCache.class);

    private final LoadingCache<String, ClientEntry> cache;
    private final Counters counters;
    private final ClockTicker ticker;
    private final FeedHealth health;
    private final Loader loader;

    ClientCache(long maxEntries, Duration ttl, Duration negativeTtl, Duration refreshAfter, Executor refreshExecutor,
                ClockTicker ticker, Counters counters, Function<String, Optional<ClientRecord>> delegate,
                FeedHealth health) {
        this.counters = counters;
        this.ticker = ticker;
        this.health = health;
        long ttlNanos = ClockTicker.nanos(ttl);
        long negativeNanos = Math.min(ClockTicker.nanos(negativeTtl), ttlNanos);
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker)
                .evictionListener((Object key, Object value, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        counters.evictions.increment();
                    }
                });
        if (refreshAfter != null) {
            builder.refreshAfterWrite(refreshAfter).executor(refreshExecutor);
        }
        this.loader = new Loader(delegate, ttlNanos, negativeNanos);
        this.cache = builder.expireAfter(new UntilDeadline()).build(loader);
    }

    Optional<ClientRecord> get(String clientId) {
        boolean fresh = health.fresh();
        ClientEntry entry = fresh ? cache.getIfPresent(clientId) : null;
        if (entry != null && ticker.read() < entry.deadline()) {
            (entry.client() == null ? counters.negativeHits : counters.hits).increment();
            return Optional.ofNullable(entry.client());
        }
        counters.misses.increment();
        // While the change feed is behind, memory may be stale: read through and keep nothing.
        return Optional.ofNullable((fresh ? cache.get(clientId) : loader.load(clientId)).client());
    }

    void invalidate(String clientId) {
        cache.invalidate(clientId);
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    void clear() {
        cache.invalidateAll();
    }

    /** Loads from the delegate; a failed background reload keeps the old entry. */
    private final class Loader implements CacheLoader<String, ClientEntry> {
        private final Function<String, Optional<ClientRecord>> delegate;
        private final long ttlNanos;
        private final long negativeNanos;

        Loader(Function<String, Optional<ClientRecord>> delegate, long ttlNanos, long negativeNanos) {
            this.delegate = delegate;
            this.ttlNanos = ttlNanos;
            this.negativeNanos = negativeNanos;
        }

        @Override
        public ClientEntry load(String clientId) {
            long now = ticker.read();
            Optional<ClientRecord> loaded;
            long startNanos = System.nanoTime();
            try {
                loaded = delegate.apply(clientId);
            } catch (RuntimeException | Error e) {
                counters.loadNanos.add(System.nanoTime() - startNanos);
                counters.loadFailures.increment();
                throw e;
            }
            counters.loadNanos.add(System.nanoTime() - startNanos);
            counters.loads.increment();
            ClientRecord client = loaded == null ? null : loaded.orElse(null);
            return new ClientEntry(client, now + (client == null ? negativeNanos : ttlNanos));
        }

        @Override
        public ClientEntry reload(String clientId, ClientEntry oldValue) {
            try {
                return load(clientId);
            } catch (RuntimeException e) {
                LOG.warn("Background refresh of a cached client failed ({}); keeping the cached value until it expires",
                        e.getClass().getName(), e);
                return oldValue;
            }
        }
    }

    /** Each entry lives until its own deadline; a kept old value keeps its old deadline. */
    private static final class UntilDeadline implements Expiry<String, ClientEntry> {
        @Override
        public long expireAfterCreate(String key, ClientEntry value, long currentTime) {
            return Math.max(0, value.deadline() - currentTime);
        }

        @Override
        public long expireAfterUpdate(String key, ClientEntry value, long currentTime, long currentDuration) {
            return Math.max(0, value.deadline() - currentTime);
        }

        @Override
        public long expireAfterRead(String key, ClientEntry value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
