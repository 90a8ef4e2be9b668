package dev.tokenstore.cache;

import dev.tokenstore.Arguments;
import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.DatabaseHealth;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.Rotation;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreFeatures;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * An in-process read cache (Caffeine) in front of any {@link TokenStore}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Sessions (by access token, id and refresh token) and clients are read through the cache;
 *   misses are cached for {@code negativeTtl}. An entry lives at most
 *   {@code min(record expiry, ttlCap) - skew}, judged by the cache's {@link Clock}, and a hit is
 *   checked against the clock again, so the cache never returns what the delegate would not
 *   because of time.</li>
 *   <li>No stale read after a write through this cache: every store, replace, delete, revocation,
 *   bulk call and transaction makes every key the affected sessions or clients are reachable by
 *   miss, including entries being loaded at that moment. A replaced session's old tokens miss.</li>
 *   <li>States and codes are never cached: {@code consume} always reaches the delegate's atomic
 *   consume, so one-time values stay one-time across instances.</li>
 *   <li>Concurrent misses on one key load once. Delegate errors reach the caller and nothing is
 *   cached for them. With {@code refreshAfter}, clients are reloaded in the background while the
 *   old value is served; a failed reload keeps it (until it expires) and is logged.</li>
 *   <li><b>Several instances.</b> When the delegate is a {@link ChangeFeed} (every bundled backend
 *   is) the cache subscribes to it, unless {@link Builder#changeFeed(boolean)} turns that off, and
 *   applies every change committed by any instance over the same data as it applies its own
 *   writes; a reset drops everything. It answers from memory only while the feed has confirmed,
 *   within {@code maxStaleness} (default 1 s), that it delivered everything committed; while it
 *   has not, every read goes to the delegate and nothing is kept, and once it has again
 *   everything cached before is dropped. So a session revoked, replaced or rotated through any
 *   instance is never served here later than {@code maxStaleness} after that write committed
 *   (plus the feed's own delivery time, which is within the same confirmation),
 *   whatever the state of the database. Serving hits through an outage is a choice with its own
 *   bound: {@link Builder#serveHitsWhileDatabaseUnavailable}. Without a feed,
 *   writes by other instances are seen only once entries expire ({@code ttlCap}, and
 *   {@code negativeTtl} for cached misses).</li>
 *   <li>Its {@link #features()} are the delegate's ({@link CacheFeatures}): bulk writes and
 *   transactions keep the cache coherent; the change feed, key rotation (re-encryption changes no
 *   cached value), database health and cleanup coordination pass through.</li>
 *   <li>{@link #rotateSession} always goes to the delegate; afterwards no lookup by the old access
 *   token, old refresh token or id returns the previous session.</li>
 *   <li>Nothing secret in statistics, logs or messages. Token lookups are keyed by the token
 *   itself (kept in heap only, like the cached record that holds it; a key's {@code toString()}
 *   shows only the lookup path), so a hit costs no SHA-256.</li>
 * </ul>
 *
 * <pre>{@code
 * CachingTokenStore cached = CachingTokenStore.builder(store)
 *     .maxEntries(100_000).ttlCap(Duration.ofMinutes(5)).skew(Duration.ofSeconds(1))
 *     .negativeTtl(Duration.ofSeconds(2)).clock(clock).build();
 * }</pre>
 */
public final class CachingTokenStore extends ForwardingTokenStore {

    private final TokenStore delegate;
    private final SessionCache sessions;
    private final ClientCache clients;
    private final Counters counters = new Counters();
    private final CoherentWrites writes;
    private final ExecutorService ownedExecutor;
    private final String description;
    private final FeedFollowing feed;
    private final Duration maxStaleness;
    private final TokenStoreFeatures features;
    private final Duration outageServing;
    private volatile boolean closed;

    private CachingTokenStore(Builder builder) {
        this.delegate = builder.delegate;
        ClockTicker ticker = new ClockTicker(builder.clock);
        this.maxStaleness = builder.maxStaleness;
        this.outageServing = builder.serveHitsWhileDatabaseUnavailable;
        this.feed = new FeedFollowing(delegate, builder.changeFeed, builder.maxStaleness,
                builder.serveHitsWhileDatabaseUnavailable, this::dropEverything);
        this.sessions = new SessionCache(builder.maxEntries, builder.ttlCap, builder.skew, builder.negativeTtl,
                ticker, counters, feed.health(), delegate);
        Executor executor = builder.refreshExecutor;
        if (builder.refreshAfter != null && executor == null) {
            this.ownedExecutor = Executors.newSingleThreadExecutor(new RefreshThreads());
            executor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
        }
        Duration clientTtl = builder.ttlCap.compareTo(builder.skew) > 0 ? builder.ttlCap.minus(builder.skew) : Duration.ZERO;
        this.clients = new ClientCache(builder.maxEntries, clientTtl, builder.negativeTtl, builder.refreshAfter,
                executor, ticker, counters, delegate::loadClient, feed.health());
        this.writes = new CoherentWrites(sessions, clients, counters);
        this.features = CacheFeatures.of(this, writes, delegate);
        this.description = "CachingTokenStore[delegate=" + delegate + ", maxEntries=" + builder.maxEntries
                + ", ttlCap=" + builder.ttlCap + ", skew=" + builder.skew + ", negativeTtl=" + builder.negativeTtl
                + ", refreshAfter=" + builder.refreshAfter + ", changeFeed=" + feed.follows()
                + ", maxStaleness=" + builder.maxStaleness
                + ", serveHitsWhileDatabaseUnavailable=" + builder.serveHitsWhileDatabaseUnavailable + "]";
    }

    /** Subscribes to the delegate's feed (when following one), once the cache is fully built. */
    private CachingTokenStore started() {
        feed.start(writes::onChange);
        return this;
    }

    /** The delegate's capabilities; bulk writes and transactions keep the cache coherent. */
    @Override
    public TokenStoreFeatures features() {
        return features;
    }

    private void dropEverything() {
        writes.dropEverything();
    }

    /**
     * How long ago the change feed last confirmed it had delivered everything committed, or empty
     * if this cache does not follow a feed. Past {@code maxStaleness} the cache answers nothing from
     * memory (for health checks and metrics).
     */
    public Optional<Duration> changeFeedLag() {
        return feed.lag();
    }

    /** The longest the change feed may go unconfirmed before this cache stops answering from memory. */
    public Duration maxStaleness() {
        return maxStaleness;
    }

    /**
     * How long after the feed's last confirmation hits are still served while the database looks
     * unavailable ({@link Builder#serveHitsWhileDatabaseUnavailable}); zero (the default) when
     * {@link #maxStaleness()} is the bound whatever the database's state.
     */
    public Duration serveHitsWhileDatabaseUnavailable() {
        return outageServing;
    }

    /** True while this cache follows its delegate's change feed (see {@link Builder#changeFeed}). */
    public boolean followsChangeFeed() {
        return feed.subscribed();
    }

    /** Starts a builder for a cache in front of {@code delegate}. */
    public static Builder builder(TokenStore delegate) {
        return new Builder(Arguments.requireNonNull(delegate, "delegate"));
    }

    /** The store this cache reads through and writes to. */
    @Override
    public TokenStore delegate() {
        return delegate;
    }

    /** The counters so far (settles pending cache maintenance first). */
    public CacheStats stats() {
        return counters.snapshot(sessions.size() + clients.size());
    }

    // ---- one-time values: never cached ----

    @Override
    public void storeState(StateRecord state) {
        ensureOpen();
        delegate.storeState(state);
    }

    @Override
    public Optional<StateRecord> consumeState(String state) {
        ensureOpen();
        return delegate.consumeState(state);
    }

    @Override
    public void storeAuthCode(AuthCodeRecord code) {
        ensureOpen();
        delegate.storeAuthCode(code);
    }

    @Override
    public Optional<AuthCodeRecord> consumeAuthCode(String code) {
        ensureOpen();
        return delegate.consumeAuthCode(code);
    }

    // ---- sessions ----

    @Override
    public void storeSession(StoredSession session) {
        ensureOpen();
        Arguments.requireNonNull(session, "session");
        writes.write(new Changes().sessionStored(session), () -> delegate.storeSession(session));
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        ensureOpen();
        Arguments.requireNonNull(accessToken, "accessToken"); // blank is rejected on the miss path (see SessionCache)
        return sessions.byAccessToken(accessToken);
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        ensureOpen();
        Arguments.requireNonNull(sessionId, "sessionId"); // blank is rejected on the miss path (see SessionCache)
        return sessions.byId(sessionId);
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        ensureOpen();
        Arguments.requireNonNull(refreshToken, "refreshToken"); // blank is rejected on the miss path (see SessionCache)
        return sessions.byRefreshToken(refreshToken);
    }

    /**
     * Always the delegate's atomic rotation; afterwards every key of the session (its id, the old
     * and new tokens, the presented token) misses here.
     */
    @Override
    public Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        ensureOpen();
        String presentedHash = Rotation.checkArguments(presentedRefreshToken, next);
        return writes.write(new Changes().sessionStored(next).tokenHash(presentedHash),
                () -> delegate.rotateSession(presentedRefreshToken, next));
    }

    @Override
    public boolean deleteSessionByAccessToken(String accessToken) {
        ensureOpen();
        Arguments.requireText(accessToken, "accessToken");
        return writes.write(new Changes().accessTokenDeleted(accessToken), () -> delegate.deleteSessionByAccessToken(accessToken));
    }

    @Override
    public boolean deleteSessionById(String sessionId) {
        ensureOpen();
        Arguments.requireText(sessionId, "sessionId");
        return writes.write(new Changes().sessionDeleted(sessionId), () -> delegate.deleteSessionById(sessionId));
    }

    @Override
    public int deleteSessionsByUser(String userId) {
        ensureOpen();
        Arguments.requireText(userId, "userId");
        return writes.write(new Changes().userDeleted(userId), () -> delegate.deleteSessionsByUser(userId));
    }

    // ---- clients ----

    @Override
    public void storeClient(ClientRecord client) {
        ensureOpen();
        Arguments.requireNonNull(client, "client");
        writes.write(new Changes().clientChanged(client.clientId()), () -> delegate.storeClient(client));
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        ensureOpen();
        Arguments.requireText(clientId, "clientId");
        return clients.get(clientId);
    }

    /** Not cached: always the delegate's current list. */
    @Override
    public List<ClientRecord> listClients() {
        ensureOpen();
        return delegate.listClients();
    }

    @Override
    public boolean deleteClient(String clientId) {
        ensureOpen();
        Arguments.requireText(clientId, "clientId");
        return writes.write(new Changes().clientChanged(clientId), () -> delegate.deleteClient(clientId));
    }

    /**
     * Cleans up the delegate. What it removes can never be returned again, and no cached entry
     * outlives its record's expiry, so no entry can go stale; expired entries are dropped too.
     */
    @Override
    public CleanupResult cleanupExpired() {
        ensureOpen();
        CleanupResult result = delegate.cleanupExpired();
        sessions.cleanUp();
        return result;
    }

    /**
     * Unsubscribes from the change feed, drops the cache, stops the refresh thread it owns and
     * closes the delegate. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        feed.stop();
        sessions.clear();
        clients.clear();
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
        delegate.close();
    }

    @Override
    public String toString() {
        return description;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("token store is closed");
        }
    }

    /**
     * Options of a {@link CachingTokenStore}; each setter rejects a bad value at once with an
     * {@link IllegalArgumentException} naming the option.
     */
    public static final class Builder {
        private final TokenStore delegate;
        private long maxEntries = 100_000;
        private Duration ttlCap = Duration.ofMinutes(5);
        private Duration skew = Duration.ofSeconds(1);
        private Duration negativeTtl = Duration.ofSeconds(2);
        private Duration refreshAfter;
        private Executor refreshExecutor;
        private Clock clock = Clock.systemUTC();
        private boolean changeFeed = true;
        private Duration serveHitsWhileDatabaseUnavailable = Duration.ZERO;
        private Duration maxStaleness = Duration.ofSeconds(1);

        private Builder(TokenStore delegate) {
            this.delegate = delegate;
        }

        /** Most entries kept in each of the session and client caches (default 100,000; at least 1). */
        public Builder maxEntries(long maxEntries) {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be at least 1 (was " + maxEntries + ")");
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * Longest an entry is kept, however long its record lives (default 5 minutes). Also the
         * bound on how long a write by another process can go unseen. Zero disables caching.
         */
        public Builder ttlCap(Duration ttlCap) {
            this.ttlCap = Arguments.requireNotNegative(ttlCap, "ttlCap");
            return this;
        }

        /** How long before its record's expiry (or the cap) an entry is dropped (default 1 second). */
        public Builder skew(Duration skew) {
            this.skew = Arguments.requireNotNegative(skew, "skew");
            return this;
        }

        /** How long a "not found" is remembered (default 2 seconds, never more than ttlCap; zero: never). */
        public Builder negativeTtl(Duration negativeTtl) {
            this.negativeTtl = Arguments.requireNotNegative(negativeTtl, "negativeTtl");
            return this;
        }

        /**
         * Reload a cached client in the background once it is older than this, serving the old
         * value meanwhile (stale-while-revalidate). Off by default; must be positive.
         */
        public Builder refreshAfter(Duration refreshAfter) {
            this.refreshAfter = Arguments.requirePositive(refreshAfter, "refreshAfter");
            return this;
        }

        /** Where background refreshes run (default: one daemon thread owned by the cache). */
        public Builder refreshExecutor(Executor refreshExecutor) {
            this.refreshExecutor = Arguments.requireNonNull(refreshExecutor, "refreshExecutor");
            return this;
        }

        /** The clock expiry is judged by; use the delegate's clock (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Arguments.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Whether to follow the delegate's {@link ChangeFeed} when it has one (default true). Turn
         * it off only when no other instance writes to the same data: then writes elsewhere are
         * seen only when entries expire.
         */
        public Builder changeFeed(boolean follow) {
            this.changeFeed = follow;
            return this;
        }

        /**
         * With a change feed: how long the feed may go without confirming it is caught up before
         * the cache stops answering from memory (default 1 second; must be positive). This is the
         * bound on how long another instance's write can go unseen.
         */
        public Builder maxStaleness(Duration maxStaleness) {
            this.maxStaleness = Arguments.requirePositive(maxStaleness, "maxStaleness");
            return this;
        }

        /**
         * Serve cached hits through an outage, for at most {@code upTo} after the change feed last
         * confirmed (off by default: {@link Duration#ZERO}). By default a cache whose feed cannot
         * confirm stops answering from memory after {@link #maxStaleness}, whatever the state of
         * the database, so a revocation committed by any instance is never served here later than
         * that. With a positive {@code upTo} (longer than {@code maxStaleness}), while the database
         * looks unavailable — the feed's own transport fails to reach it, or the delegate (a
         * {@link DatabaseHealth} store) reports it unavailable — hits go on being served until
         * {@code upTo} after the last confirmation, then the cache fails closed too. The price: in a
         * network partition where only this instance lost the database, a revocation made by
         * another instance may be served here for up to {@code upTo}.
         */
        public Builder serveHitsWhileDatabaseUnavailable(Duration upTo) {
            this.serveHitsWhileDatabaseUnavailable = Arguments.requireNotNegative(upTo, "serveHitsWhileDatabaseUnavailable");
            return this;
        }

        /**
         * The cache, subscribed to the delegate's change feed if it has one (and
         * {@link #changeFeed} is on). Its {@link #features()} are the delegate's.
         */
        public CachingTokenStore build() {
            if (!serveHitsWhileDatabaseUnavailable.isZero() && serveHitsWhileDatabaseUnavailable.compareTo(maxStaleness) <= 0) {
                throw new IllegalArgumentException("serveHitsWhileDatabaseUnavailable must be zero (off) or longer than "
                        + "maxStaleness (" + maxStaleness + "), was " + serveHitsWhileDatabaseUnavailable);
            }
            return new CachingTokenStore(this).started();
        }
    }
}
