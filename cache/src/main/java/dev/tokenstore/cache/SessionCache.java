package dev.tokenstore.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.tokenstore.StoredSession;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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

    /**
     * Key of a lookup by access or refresh token: the token's {@link dev.tokenstore.TokenHash}
     * (SHA-256) as four longs — never the token, and compared without touching another object.
     */
    record HashKey(Path path, long h0, long h1, long h2, long h3) {
        static HashKey of(Path path, String tokenHashHex) {
            return new HashKey(path, HexFormat.fromHexDigitsToLong(tokenHashHex, 0, 16),
                    HexFormat.fromHexDigitsToLong(tokenHashHex, 16, 32), HexFormat.fromHexDigitsToLong(tokenHashHex, 32, 48),
                    HexFormat.fromHexDigitsToLong(tokenHashHex, 48, 64));
        }

        /** The same identity hash as {@link Stripes#hashOfHex} of the hex form. */
        int identityHash() {
            return Long.hashCode(h0);
        }

        @Override
        public String toString() {
            return "HashKey[" + path + "]";
        }
    }

    /** Key of a lookup by session id. */
    record IdKey(String sessionId) {
        @Override
        public String toString() {
            return "IdKey";
        }
    }

    private enum Verdict { HIT, MISSING, STALE }

    private final Cache<Object, SessionEntry> cache;
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
                .evictionListener((Object key, SessionEntry value, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        counters.evictions.increment();
                    }
                })
                .build();
    }

    SessionVersions versions() {
        return versions;
    }

    /** The session with this access-token hash (hex), from memory if usable, else from {@code loader}. */
    Optional<StoredSession> byAccessHash(String hashHex, Supplier<Optional<StoredSession>> loader) {
        return get(HashKey.of(Path.ACCESS, hashHex), loader);
    }

    /** The session with this refresh-token hash (hex), from memory if usable, else from {@code loader}. */
    Optional<StoredSession> byRefreshHash(String hashHex, Supplier<Optional<StoredSession>> loader) {
        return get(HashKey.of(Path.REFRESH, hashHex), loader);
    }

    /** The session with this id, from memory if usable, else from {@code loader}. */
    Optional<StoredSession> byId(String sessionId, Supplier<Optional<StoredSession>> loader) {
        return get(new IdKey(sessionId), loader);
    }

    private Optional<StoredSession> get(Object key, Supplier<Optional<StoredSession>> loader) {
        SessionEntry entry = cache.getIfPresent(key);
        if (entry != null) {
            switch (judge(entry, ticker.read())) {
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

    private Optional<StoredSession> loadThrough(Object key, Supplier<Optional<StoredSession>> loader) {
        @SuppressWarnings("unchecked")
        Optional<StoredSession>[] answer = new Optional[1];
        cache.asMap().compute(key, (k, old) -> {
            long nowNanos = ticker.read();
            if (old != null) {
                Verdict verdict = judge(old, nowNanos);
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

    /**
     * Whether an entry may answer now. Its deadline is at or before the record's expiry for the
     * lookup path (same clock), so a usable entry is always a live record.
     */
    private Verdict judge(SessionEntry entry, long nowNanos) {
        if (nowNanos >= entry.deadline || !entry.isCurrent(versions)) {
            return Verdict.STALE;
        }
        return entry.session == null ? Verdict.MISSING : Verdict.HIT;
    }

    /** The entry to keep for a load result, or null when it must not be cached (TTL would be <= 0). */
    private SessionEntry entryFor(Object key, StoredSession session, long nowNanos) {
        HashKey hashKey = key instanceof HashKey h ? h : null;
        if (session == null) {
            long deadline = nowNanos + negativeNanos;
            int keyHash = hashKey != null ? hashKey.identityHash() : Stripes.hashOf(((IdKey) key).sessionId());
            return deadline > nowNanos ? SessionEntry.missing(deadline, keyHash, versions) : null;
        }
        Path path = hashKey != null ? hashKey.path() : Path.ID;
        Instant expiry = path == Path.REFRESH ? session.refreshExpiresAt() : session.accessExpiresAt();
        if (expiry == null) {
            return null;
        }
        long deadline = Math.min(ticker.at(expiry), nowNanos + ttlCapNanos) - skewNanos;
        if (deadline <= nowNanos) {
            return null;
        }
        int accessHash = path == Path.ACCESS ? hashKey.identityHash() : Stripes.hashOfHex(session.accessTokenHash());
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
    private static final class UntilDeadline implements Expiry<Object, SessionEntry> {
        @Override
        public long expireAfterCreate(Object key, SessionEntry value, long currentTime) {
            return Math.max(0, value.deadline - currentTime);
        }

        @Override
        public long expireAfterUpdate(Object key, SessionEntry value, long currentTime, long currentDuration) {
            return Math.max(0, value.deadline - currentTime);
        }

        @Override
        public long expireAfterRead(Object key, SessionEntry value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
