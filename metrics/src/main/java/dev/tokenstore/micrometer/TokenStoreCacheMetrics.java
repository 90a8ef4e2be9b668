package dev.tokenstore.micrometer;

import dev.tokenstore.cache.CacheStats;
import dev.tokenstore.cache.CachingTokenStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds a {@link CachingTokenStore}'s {@link CacheStats} with Micrometer's cache conventions, the
 * names {@code CaffeineCacheMetrics} uses, tagged {@code cache=<name>}:
 * {@code cache.gets{result=hit|miss}} (a negatively cached "not found" counts as a hit, as in
 * Caffeine), {@code cache.puts} (loads, as Caffeine reports them), {@code cache.evictions},
 * {@code cache.size}, {@code cache.load{result=success|failure}} and {@code cache.load.duration};
 * plus {@code tokenstore.cache.negative.hits} and {@code tokenstore.cache.invalidations}.
 * Every value is a count or a time; no tag carries a token, id or user data.
 */
public final class TokenStoreCacheMetrics extends CacheMeterBinder<CachingTokenStore> {

    /** Meters for {@code cache}, tagged {@code cache=name} and {@code tags}. */
    public TokenStoreCacheMetrics(CachingTokenStore cache, String name, Iterable<Tag> tags) {
        super(cache, name, tags);
    }

    /** Binds {@code cache}'s meters to {@code registry} and returns the cache. */
    public static CachingTokenStore monitor(MeterRegistry registry, CachingTokenStore cache, String name,
                                            String... tags) {
        new TokenStoreCacheMetrics(cache, name, Tags.of(tags)).bindTo(registry);
        return cache;
    }

    private CacheStats stats() {
        CachingTokenStore cache = getCache();
        return cache == null ? null : cache.stats();
    }

    @Override
    protected Long size() {
        CacheStats s = stats();
        return s == null ? null : s.entries();
    }

    @Override
    protected long hitCount() {
        CacheStats s = stats();
        return s == null ? 0 : s.hits() + s.negativeHits();
    }

    @Override
    protected Long missCount() {
        CacheStats s = stats();
        return s == null ? null : s.misses();
    }

    @Override
    protected Long evictionCount() {
        CacheStats s = stats();
        return s == null ? null : s.evictions();
    }

    @Override
    protected long putCount() {
        CacheStats s = stats();
        return s == null ? 0 : s.loads();
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
        CachingTokenStore cache = getCache();
        if (cache == null) {
            return;
        }
        String loadDescription = "The number of times cache lookup methods have successfully loaded a new value "
                + "or failed to load a new value because an exception was thrown while loading";
        counter(registry, cache, "cache.load", loadDescription, CacheStats::loads, "result", "success");
        counter(registry, cache, "cache.load", loadDescription, CacheStats::loadFailures, "result", "failure");
        TimeGauge.builder("cache.load.duration", cache, TimeUnit.NANOSECONDS, c -> c.stats().loadNanos())
                .tags(getTagsWithCacheName()).description("The time the cache has spent loading new values")
                .register(registry);
        counter(registry, cache, "tokenstore.cache.negative.hits",
                "Lookups answered from memory with a cached \"not found\" (included in cache.gets{result=hit})",
                CacheStats::negativeHits);
        counter(registry, cache, "tokenstore.cache.invalidations",
                "Keys invalidated by writes, deletes and revocations through the cache", CacheStats::invalidations);
    }

    private void counter(MeterRegistry registry, CachingTokenStore cache, String name, String description,
                         ToDoubleFunction<CacheStats> value, String... extraTags) {
        FunctionCounter.builder(name, cache, c -> value.applyAsDouble(c.stats()))
                .tags(getTagsWithCacheName()).tags(extraTags).description(description).register(registry);
    }
}
