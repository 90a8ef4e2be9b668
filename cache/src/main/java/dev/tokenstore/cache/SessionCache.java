package dev.tokenstore.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Read-through cache of session lookups by access token, session id and refresh token,
 * on one bounded Caffeine cache with a per-entry deadline. A hit is served only while the entry is
 * before its deadline, no write has touched it ({@link SessionVersions}) and the session is live
 * for that lookup path by the clock. Misses load under Caffeine's per-key compute, so concurrent
 * misses on one key load once.
 */
final class SessionCache {
    /** How a session was looked up; each path has its own entries and expiry. */
    enum Path { ACCESS, ID, REFRESH }

    /**
     * Key of a lookup by access or refresh token: the token itself, so a hit needs no SHA-256
     * (the cached record holds the raw token anyway). The token's hash is computed only when the
     * entry is loaded, to record its invalidation stripes. {@link #toString()} never shows it.
     */
    static final class TokenKey {
        private final Path path;
        private final String token;

        TokenKey(Path path, String token) {
            this.path = path;
            this.token = token;
        }

        /** The identity hash of the token's {@link TokenHash} (see {@link Stripes#hashOfHex}); costs one SHA-256. */
        int identityHash() {
            return Stripes.hashOfHex(TokenHash.sha256Hex(token));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof TokenKey k && k.path == path && k.token.equals(token);
        }

        @Override
        public int hashCode() {
            return 31 * token.hashCode() + path.ordinal();
        }

        @Override
        public String toString() {
            return "TokenKey[" + path + "]";
        }
    }

    /** Key of a lookup by session id. */
    record IdKey(String sessionId) {
        @Override
        public String toString() {
            return "IdKey";
        }
    }

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

    /** The session with this access token, from memory if usable, else from {@code loader}. */
    Optional<StoredSession> byAccessToken(String accessToken, Supplier<Optional<StoredSession>> loader) {
        return get(new TokenKey(Path.ACCESS, accessToken), loader);
    }

    /** The session with this refresh token, from memory if usable, else from {@code loader}. */
    Optional<StoredSession> byRefreshToken(String refreshToken, Supplier<Optional<StoredSession>> loader) {
        return get(new TokenKey(Path.REFRESH, refreshToken), loader);
    }

    /** The session with this id, from memory if usable, else from {@code loader}. */
    Optional<StoredSession> byId(String sessionId, Supplier<Optional<StoredSession>> loader) {
        return get(new IdKey(sessionId), loader);
    }

    /**
     * The hit path: one map lookup, one clock read, the entry's version check and a counter; no
     * hashing and no allocation beyond the key (the answer's {@link Optional} is kept in the entry).
     */
    private Optional<StoredSession> get(Object key, Supplier<Optional<StoredSession>> loader) {
        SessionEntry entry = cache.getIfPresent(key);
        if (entry != null && usable(entry, ticker.read())) {
            (entry.session != null ? counters.hits : counters.negativeHits).increment();
            return entry.answer;
        }
        counters.misses.increment();
        return loadThrough(key, loader);
    }

    private Optional<StoredSession> loadThrough(Object key, Supplier<Optional<StoredSession>> loader) {
        @SuppressWarnings("unchecked")
        Optional<StoredSession>[] answer = new Optional[1];
        cache.asMap().compute(key, (k, old) -> {
            long nowNanos = ticker.read();
            if (old != null && usable(old, nowNanos)) {
                // Loaded by a concurrent caller while this one waited: no second load.
                answer[0] = old.answer;
                return old;
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
    private boolean usable(SessionEntry entry, long nowNanos) {
        return nowNanos < entry.deadline && entry.isCurrent(versions);
    }

    /** The entry to keep for a load result, or null when it must not be cached (TTL would be <= 0). */
    private SessionEntry entryFor(Object key, StoredSession session, long nowNanos) {
        TokenKey tokenKey = key instanceof TokenKey t ? t : null;
        if (session == null) {
            long deadline = nowNanos + negativeNanos;
            if (deadline <= nowNanos) {
                return null;
            }
            int keyHash = tokenKey != null ? tokenKey.identityHash() : Stripes.hashOf(((IdKey) key).sessionId());
            return SessionEntry.missing(deadline, keyHash, versions);
        }
        Path path = tokenKey != null ? tokenKey.path : Path.ID;
        Instant expiry = path == Path.REFRESH ? session.refreshExpiresAt() : session.accessExpiresAt();
        if (expiry == null) {
            return null;
        }
        long deadline = Math.min(ticker.at(expiry), nowNanos + ttlCapNanos) - skewNanos;
        if (deadline <= nowNanos) {
            return null;
        }
        return SessionEntry.found(session, deadline, Stripes.hashOfHex(session.accessTokenHash()), versions);
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
