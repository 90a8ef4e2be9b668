package dev.tokenstore.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.tokenstore.StoredSession;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Read-through cache of session lookups by access-token hash, session id and refresh-token hash,
 * on one bounded Caffeine cache with a per-entry deadline. A hit is served only while the entry is
 * before its deadline, no write has touched it ({@link SessionVersions}) and the session is live
 * for that lookup path by the clock. Misses load under Caffeine's per-key compute, so concurrent
 * misses on one key load once.
 */
final class SessionCache {
    /** How a session was looked up; each path has its own entries and expiry. */
    enum Path { ACCESS, ID, REFRESH }

    /** The cache key: the path and the session id or token hash (never a raw token). */
    record Key(Path path, String id) {
        @Override
        public String toString() {
            return "Key[" + path + "]";
        }
    }

    private enum Verdict { HIT, MISSING, STALE }

    private final Cache<Key, SessionEntry> cache;
    private final SessionVersions versions;
    private final Counters counters;
    private final ClockTicker ticker;
    private final long ttlCapNanos;
    private final long skewNanos;
    private final long negativeNanos;

    SessionCache(long maxEntries, Duration ttlCap, Duration skew, Duration negativeTtl, ClockTicker ticker,
                 Counters counters) {
        this.versions = new SessionVersions(maxEntries);
        this.counters = counters;
        this.ticker = ticker;
        this.ttlCapNanos = ClockTicker.nanos(ttlCap);
        this.skewNanos = ClockTicker.nanos(skew);
        this.negativeNanos = Math.min(ClockTicker.nanos(negativeTtl), ttlCapNanos);
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new UntilDeadline())
                .ticker(ticker)
                .executor(Runnable::run)
                .evictionListener((Key key, SessionEntry value, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        counters.evictions.increment();
                    }
                })
                .build();
    }

    SessionVersions versions() {
        return versions;
    }

    /** The answer for {@code id} on {@code path}: from memory if usable, else from {@code loader}. */
    Optional<StoredSession> get(Path path, String id, Supplier<Optional<StoredSession>> loader) {
        Key key = new Key(path, id);
        SessionEntry entry = cache.getIfPresent(key);
        if (entry != null) {
            Instant now = ticker.clock().instant();
            switch (judge(key, entry, now, ticker.at(now))) {
                case HIT:
                    counters.hits.increment();
                    return Optional.of(entry.session);
                case MISSING:
                    counters.negativeHits.increment();
                    return Optional.empty();
                default:
                    break;
            }
        }
        counters.misses.increment();
        return loadThrough(key, loader);
    }

    private Optional<StoredSession> loadThrough(Key key, Supplier<Optional<StoredSession>> loader) {
        @SuppressWarnings("unchecked")
        Optional<StoredSession>[] answer = new Optional[1];
        cache.asMap().compute(key, (k, old) -> {
            Instant now = ticker.clock().instant();
            long nowNanos = ticker.at(now);
            if (old != null) {
                Verdict verdict = judge(k, old, now, nowNanos);
                if (verdict != Verdict.STALE) {
                    // Loaded by a concurrent caller while this one waited: no second load.
                    answer[0] = verdict == Verdict.HIT ? Optional.of(old.session) : Optional.empty();
                    return old;
                }
            }
            long generation = versions.generation();
            Optional<StoredSession> loaded = load(loader);
            answer[0] = loaded;
            SessionEntry fresh = entryFor(k, loaded.orElse(null), nowNanos);
            // A write that ran while we loaded may have made what we read stale: serve, don't cache.
            return fresh != null && versions.generation() == generation ? fresh : null;
        });
        return answer[0];
    }

    private Optional<StoredSession> load(Supplier<Optional<StoredSession>> loader) {
        Optional<StoredSession> loaded;
        try {
            loaded = loader.get();
        } catch (RuntimeException | Error e) {
            counters.loadFailures.increment();
            throw e;
        }
        counters.loads.increment();
        return loaded == null ? Optional.empty() : loaded;
    }

    private Verdict judge(Key key, SessionEntry entry, Instant now, long nowNanos) {
        if (nowNanos >= entry.deadline || !entry.isCurrent(key.id(), versions)) {
            return Verdict.STALE;
        }
        if (entry.session == null) {
            return Verdict.MISSING;
        }
        boolean live = key.path() == Path.REFRESH ? entry.session.isRefreshLive(now) : entry.session.isAccessLive(now);
        return live ? Verdict.HIT : Verdict.STALE;
    }

    /** The entry to keep for a load result, or null when it must not be cached (TTL would be <= 0). */
    private SessionEntry entryFor(Key key, StoredSession session, long nowNanos) {
        if (session == null) {
            long deadline = nowNanos + negativeNanos;
            return deadline > nowNanos ? SessionEntry.missing(deadline, key.id(), versions) : null;
        }
        Instant expiry = key.path() == Path.REFRESH ? session.refreshExpiresAt() : session.accessExpiresAt();
        if (expiry == null) {
            return null;
        }
        long deadline = Math.min(ticker.at(expiry), nowNanos + ttlCapNanos) - skewNanos;
        if (deadline <= nowNanos) {
            return null;
        }
        String accessHash = key.path() == Path.ACCESS ? key.id() : session.accessTokenHash();
        return SessionEntry.found(session, deadline, accessHash, versions);
    }

    /** Stale-marks everything the changes touch (see {@link SessionVersions#apply}). */
    void invalidate(Changes changes) {
        versions.apply(changes);
    }

    /** Drops entries past their deadline now rather than later. */
    void cleanUp() {
        cache.cleanUp();
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    void clear() {
        cache.invalidateAll();
    }

    /** Each entry lives until its own deadline, fixed when it was loaded. */
    private static final class UntilDeadline implements Expiry<Key, SessionEntry> {
        @Override
        public long expireAfterCreate(Key key, SessionEntry value, long currentTime) {
            return Math.max(0, value.deadline - currentTime);
        }

        @Override
        public long expireAfterUpdate(Key key, SessionEntry value, long currentTime, long currentDuration) {
            return Math.max(0, value.deadline - currentTime);
        }

        @Override
        public long expireAfterRead(Key key, SessionEntry value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
