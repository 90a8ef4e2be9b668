package dev.tokenstore.cache;

import dev.tokenstore.Arguments;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.tokenstore.ChangeEvent;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Read-through cache of session lookups by access token, session id and refresh token,
 * on one bounded Caffeine cache with a per-entry deadline. A hit is served only while the entry is
 * before its deadline, no write has touched it ({@link SessionVersions}), the session is live
 * for that lookup path by the clock, and the change feed (if any) is caught up ({@link FeedHealth}). Misses load under Caffeine's per-key compute, so concurrent
 * misses on one key load once.
 */
final class SessionCache {
    /**
     * Key of a lookup by refresh token: the token itself, so a hit needs no SHA-256 (the cached
     * record holds the raw token anyway). {@link #toString()} never shows it. Lookups by access
     * token, the hot path, are keyed by the bare token {@code String}: no key object to allocate or
     * to chase on a hit. The three kinds of key never equal one another, so a refresh token or a
     * session id presented as an access token cannot hit the other path's entry.
     */
    record RefreshKey(String refreshToken) {
        @Override
        public String toString() {
            return "RefreshKey";
        }
    }

    /** Key of a lookup by session id. */
    record IdKey(String sessionId) {
        @Override
        public String toString() {
            return "IdKey";
        }
    }

    /** One hit in this many (a power of two) is recorded with the eviction policy. */
    static final int POLICY_SAMPLE = 8;
    private final Cache<Object, SessionEntry> cache;
    private final Policy<Object, SessionEntry> policy;
    private final SessionVersions versions;
    private final Counters counters;
    private final ClockTicker ticker;
    private final long ttlCapNanos;
    private final long skewNanos;
    private final long negativeNanos;
    private final FeedHealth health;
    // The delegate's lookups, bound once so a cache hit allocates no loader.
    private final Function<String, Optional<StoredSession>> byAccessTokenLoader;
    private final Function<String, Optional<StoredSession>> byIdLoader;
    private final Function<String, Optional<StoredSession>> byRefreshTokenLoader;

    SessionCache(long maxEntries, Duration ttlCap, Duration skew, Duration negativeTtl, ClockTicker ticker,
                 Counters counters, FeedHealth health, TokenStore delegate) {
        this.health = health;
        this.byAccessTokenLoader = delegate::loadSessionByAccessToken;
        this.byIdLoader = delegate::loadSessionById;
        this.byRefreshTokenLoader = delegate::loadSessionByRefreshToken;
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
        this.policy = cache.policy();
    }

    SessionVersions versions() {
        return versions;
    }

    /**
     * The session with this access token, from memory if usable, else from the delegate.
     * The lookup must not be null; a blank one gets an {@link IllegalArgumentException}.
     */
    Optional<StoredSession> byAccessToken(String accessToken) {
        return get(accessToken, accessToken, "accessToken", byAccessTokenLoader);
    }

    /** The session with this refresh token, from memory if usable, else from the delegate. */
    Optional<StoredSession> byRefreshToken(String refreshToken) {
        return get(new RefreshKey(refreshToken), refreshToken, "refreshToken", byRefreshTokenLoader);
    }

    /** The session with this id, from memory if usable, else from the delegate. */
    Optional<StoredSession> byId(String sessionId) {
        return get(new IdKey(sessionId), sessionId, "sessionId", byIdLoader);
    }

    /**
     * The hit path: one quiet map lookup (Caffeine checks the entry's deadline against the ticker),
     * the entry's version check and a counter; no hashing and no allocation beyond the key (the
     * answer's {@link Optional} is kept in the entry). One hit in {@value #POLICY_SAMPLE} is read
     * through {@link Cache#getIfPresent} instead, so the eviction policy still learns which
     * sessions are hot: Caffeine's own read buffer is lossy too, this only samples earlier and
     * saves the per-read buffer write on the others. A blank {@code lookup} is rejected on the miss
     * path only: it is never cached, so it always misses, and a hit need not scan the string.
     */
    private Optional<StoredSession> get(Object key, String lookup, String field,
                                        Function<String, Optional<StoredSession>> loader) {
        SessionEntry entry = (ThreadLocalRandom.current().nextInt() & (POLICY_SAMPLE - 1)) == 0
                ? cache.getIfPresent(key)
                : policy.getIfPresentQuietly(key);
        boolean fresh = health.fresh();
        if (entry != null && fresh && entry.isCurrent(versions)) {
            (entry.session != null ? counters.hits : counters.negativeHits).increment();
            return entry.answer;
        }
        Arguments.requireText(lookup, field);
        counters.misses.increment();
        // While the change feed is behind, memory may be stale: read through and keep nothing.
        return fresh ? loadThrough(key, lookup, loader) : load(lookup, loader);
    }

    private Optional<StoredSession> loadThrough(Object key, String lookup, Function<String, Optional<StoredSession>> loader) {
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
            Optional<StoredSession> loaded = load(lookup, loader);
            answer[0] = loaded;
            SessionEntry fresh = entryFor(k, loaded.orElse(null), nowNanos);
            // A write that ran while we loaded may have made what we read stale: serve, don't cache.
            return fresh != null && versions.generation() == generation ? fresh : null;
        });
        return answer[0];
    }

    private Optional<StoredSession> load(String lookup, Function<String, Optional<StoredSession>> loader) {
        Optional<StoredSession> loaded;
        long startNanos = System.nanoTime();
        try {
            loaded = loader.apply(lookup);
        } catch (RuntimeException | Error e) {
            counters.loadNanos.add(System.nanoTime() - startNanos);
            counters.loadFailures.increment();
            throw e;
        }
        counters.loadNanos.add(System.nanoTime() - startNanos);
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
        if (session == null) {
            long deadline = nowNanos + negativeNanos;
            if (deadline <= nowNanos) {
                return null;
            }
            return SessionEntry.missing(deadline, identityHash(key), versions);
        }
        Instant expiry = key instanceof RefreshKey ? session.refreshExpiresAt() : session.accessExpiresAt();
        if (expiry == null) {
            return null;
        }
        long deadline = Math.min(ticker.at(expiry), nowNanos + ttlCapNanos) - skewNanos;
        if (deadline <= nowNanos) {
            return null;
        }
        return SessionEntry.found(session, deadline, Stripes.hashOfHex(session.accessTokenHash()), versions);
    }

    /**
     * The identity hash a store bumps to replace a cached miss of {@code key} (see
     * {@link Changes}): of the token's SHA-256 for token keys (one hash, on the miss path only),
     * of the id for id keys.
     */
    private static int identityHash(Object key) {
        if (key instanceof String accessToken) {
            return Stripes.hashOfHex(TokenHash.sha256Hex(accessToken));
        }
        if (key instanceof RefreshKey refresh) {
            return Stripes.hashOfHex(TokenHash.sha256Hex(refresh.refreshToken()));
        }
        return Stripes.hashOfId(((IdKey) key).sessionId());
    }

    /** Stale-marks everything the event touches (see {@link SessionVersions#apply}). */
    void invalidate(ChangeEvent event) {
        versions.apply(event);
    }

    /** Drops every entry; loads in flight are not cached. */
    void reset() {
        versions.resetAll();
        cache.invalidateAll();
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
