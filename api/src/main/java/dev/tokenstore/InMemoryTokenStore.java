package dev.tokenstore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The reference {@link TokenStore}: everything in heap maps, nothing persisted, for tests and
 * demos. Honours the whole contract (thread-safe, atomic one-time consume, expiry by the given
 * {@link Clock}). Sessions are indexed by token hash like the SQL stores; it keeps records as
 * objects and so needs no encryption key. It offers neither {@link BulkSessionStore} nor
 * {@link TransactionalTokenStore}: it is the plain single-op backend of the TCK. Its
 * {@link ChangeFeed} delivers each change on the writing thread right after the write, so a
 * subscriber is always caught up (there is no other instance over the same data).
 */
public final class InMemoryTokenStore implements TokenStore, ChangeFeed {
    private final Clock clock;
    private final Duration reuseGrace;
    private final LocalChangeFeed feed = new LocalChangeFeed();
    private final ConcurrentMap<String, StateRecord> states = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AuthCodeRecord> codes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ClientRecord> clients = new ConcurrentHashMap<>();
    /** Guards the three session maps together so they never disagree. */
    private final ReadWriteLock sessionLock = new ReentrantReadWriteLock();
    private final Map<String, StoredSession> sessionsById = new HashMap<>();
    private final Map<String, String> idByAccessHash = new HashMap<>();
    private final Map<String, String> idByRefreshHash = new HashMap<>();
    private final Map<String, RetiredToken> retiredByHash = new HashMap<>();
    /** Revoked session ids, each until the session would have expired anyway (its tombstone). */
    private final Map<String, Instant> revokedUntil = new HashMap<>();
    private volatile boolean closed;

    /** A store judging expiry by the system UTC clock. */
    public InMemoryTokenStore() {
        this(Clock.systemUTC());
    }

    /** A store judging expiry by {@code clock}. */
    public InMemoryTokenStore(Clock clock) {
        this(clock, Duration.ZERO);
    }

    /** A store judging expiry by {@code clock}, with this refresh-token reuse grace window (zero: off). */
    public InMemoryTokenStore(Clock clock, Duration refreshReuseGrace) {
        this.clock = Checks.requireNonNull(clock, "clock");
        this.reuseGrace = Checks.requireNonNull(refreshReuseGrace, "refreshReuseGrace");
        if (refreshReuseGrace.isNegative()) {
            throw new IllegalArgumentException("refreshReuseGrace must not be negative, was " + refreshReuseGrace);
        }
    }

    @Override
    public ChangeSubscription subscribe(ChangeListener listener) {
        ensureOpen();
        // Under the write lock, so a session write either precedes the subscription or announces itself to it.
        return withWriteLock(() -> feed.subscribe(listener));
    }

    @Override
    public void storeState(StateRecord state) {
        Checks.requireNonNull(state, "state record");
        ensureOpen();
        states.put(state.state(), state);
    }

    @Override
    public Optional<StateRecord> consumeState(String state) {
        Checks.requireText(state, "state");
        ensureOpen();
        StateRecord taken = states.remove(state);
        return taken == null || taken.isExpired(now()) ? Optional.empty() : Optional.of(taken);
    }

    @Override
    public void storeAuthCode(AuthCodeRecord code) {
        Checks.requireNonNull(code, "auth code record");
        ensureOpen();
        codes.put(code.code(), code);
    }

    @Override
    public Optional<AuthCodeRecord> consumeAuthCode(String code) {
        Checks.requireText(code, "code");
        ensureOpen();
        AuthCodeRecord taken = codes.remove(code);
        return taken == null || taken.isExpired(now()) ? Optional.empty() : Optional.of(taken);
    }

    @Override
    public void storeSession(StoredSession session) {
        Checks.requireNonNull(session, "session");
        String accessHash = session.accessTokenHash();
        String refreshHash = session.refreshTokenHash();
        ChangeEvent.Builder change = withWriteLock(() -> {
            ensureOpen();
            requireFree(idByAccessHash, accessHash, session.sessionId(), "accessToken");
            requireFree(idByRefreshHash, refreshHash, session.sessionId(), "refreshToken");
            Instant now = now();
            Instant revoked = revokedUntil.get(session.sessionId());
            if (revoked != null && now.isBefore(revoked)) {
                throw Refusals.sessionRevoked(session.sessionId());
            }
            requireNotRetired(refreshHash, session.sessionId(), "refreshToken", now);
            // Only collected while someone listens (checked under the lock subscribe takes, so no
            // write committed after a subscription goes unannounced); hashing ids costs microseconds.
            ChangeEvent.Builder collected = feed.hasListeners() ? ChangeEvent.builder().sessionStored(session) : null;
            putSession(session, accessHash, refreshHash, collected);
            return collected;
        });
        if (change != null) {
            feed.publish(change.build());
        }
    }

    /** Replaces the session with this id by {@code session}; caller holds the write lock and checked its tokens. */
    private void putSession(StoredSession session, ChangeEvent.Builder change) {
        putSession(session, session.accessTokenHash(), session.refreshTokenHash(), change);
    }

    private void putSession(StoredSession session, String accessHash, String refreshHash, ChangeEvent.Builder change) {
        removeSession(session.sessionId(), change);
        sessionsById.put(session.sessionId(), session);
        idByAccessHash.put(accessHash, session.sessionId());
        if (refreshHash != null) {
            idByRefreshHash.put(refreshHash, session.sessionId());
        }
    }

    @Override
    public Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        String presentedHash = Rotation.checkArguments(presentedRefreshToken, next);
        String accessHash = next.accessTokenHash();
        String refreshHash = next.refreshTokenHash();
        Instant now = now();
        ChangeEvent.Builder[] changed = new ChangeEvent.Builder[1];
        Rotation result = withWriteLock(() -> {
            ensureOpen();
            // as in storeSession: an event only while someone listens, checked under the lock
            ChangeEvent.Builder change = feed.hasListeners() ? ChangeEvent.builder() : null;
            changed[0] = change;
            String holderId = idByRefreshHash.get(presentedHash);
            StoredSession current = holderId == null ? null : sessionsById.get(holderId);
            if (current != null && current.isRefreshLive(now)) {
                if (!current.sessionId().equals(next.sessionId())) {
                    return Rotation.NOT_FOUND;
                }
                requireFree(idByAccessHash, accessHash, next.sessionId(), "next.accessToken");
                requireFree(idByRefreshHash, refreshHash, next.sessionId(), "next.refreshToken");
                requireNotRetired(refreshHash, next.sessionId(), "next.refreshToken", now);
                putSession(next, accessHash, refreshHash, change == null ? null : change.sessionStored(next));
                retiredByHash.put(presentedHash, new RetiredToken(current.sessionId(), refreshHash, now,
                        current.refreshExpiresAt()));
                return new Rotation.Rotated(current);
            }
            RetiredToken retired = retiredByHash.get(presentedHash);
            if (retired == null || !now.isBefore(retired.expiresAt())) {
                return Rotation.NOT_FOUND;
            }
            StoredSession holder = sessionsById.get(retired.sessionId());
            if (holder != null && retired.withinGrace(now, reuseGrace, holder)) {
                return new Rotation.AlreadyRotated(holder);
            }
            if (holder != null) {
                revokeSession(retired.sessionId(), change);
                if (holder.refreshToken() != null) {
                    retiredByHash.put(holder.refreshTokenHash(), new RetiredToken(holder.sessionId(), null, now,
                            holder.refreshExpiresAt()));
                }
            }
            return new Rotation.Reused(retired.sessionId());
        });
        if (changed[0] != null) {
            feed.publish(changed[0].build());
        }
        return result;
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        String hash = TokenHash.sha256Hex(Checks.requireText(accessToken, "accessToken"));
        Instant now = now();
        return withReadLock(() -> Optional.ofNullable(idByAccessHash.get(hash)).map(sessionsById::get)
                .filter(s -> s.isAccessLive(now) && TokenHash.sameToken(s.accessToken(), accessToken)));
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        Checks.requireText(sessionId, "sessionId");
        Instant now = now();
        return withReadLock(() -> Optional.ofNullable(sessionsById.get(sessionId)).filter(s -> s.isAccessLive(now)));
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        String hash = TokenHash.sha256Hex(Checks.requireText(refreshToken, "refreshToken"));
        Instant now = now();
        return withReadLock(() -> Optional.ofNullable(idByRefreshHash.get(hash)).map(sessionsById::get)
                .filter(s -> s.isRefreshLive(now) && TokenHash.sameToken(s.refreshToken(), refreshToken)));
    }

    @Override
    public boolean deleteSessionByAccessToken(String accessToken) {
        String hash = TokenHash.sha256Hex(Checks.requireText(accessToken, "accessToken"));
        ChangeEvent.Builder change = ChangeEvent.builder();
        boolean deleted = withWriteLock(() -> {
            ensureOpen();
            String id = idByAccessHash.get(hash);
            return id != null && revokeSession(id, change);
        });
        feed.publish(change.build());
        return deleted;
    }

    @Override
    public boolean deleteSessionById(String sessionId) {
        Checks.requireText(sessionId, "sessionId");
        ChangeEvent.Builder change = ChangeEvent.builder();
        boolean deleted = withWriteLock(() -> {
            ensureOpen();
            return revokeSession(sessionId, change);
        });
        feed.publish(change.build());
        return deleted;
    }

    @Override
    public int deleteSessionsByUser(String userId) {
        Checks.requireText(userId, "userId");
        ChangeEvent.Builder change = ChangeEvent.builder();
        int deleted = withWriteLock(() -> {
            ensureOpen();
            List<String> ids = new ArrayList<>();
            sessionsById.values().stream().filter(s -> s.userId().equals(userId))
                    .forEach(s -> ids.add(s.sessionId()));
            ids.forEach(id -> revokeSession(id, change));
            return ids.size();
        });
        if (deleted > 0) {
            feed.publish(change.userRevoked(userId).build());
        }
        return deleted;
    }

    @Override
    public void storeClient(ClientRecord client) {
        Checks.requireNonNull(client, "client");
        ensureOpen();
        clients.put(client.clientId(), client);
        feed.publish(ChangeEvent.builder().clientChanged(client.clientId()).build());
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        Checks.requireText(clientId, "clientId");
        ensureOpen();
        return Optional.ofNullable(clients.get(clientId));
    }

    @Override
    public List<ClientRecord> listClients() {
        ensureOpen();
        List<ClientRecord> all = new ArrayList<>(clients.values());
        all.sort(Comparator.comparing(ClientRecord::clientId));
        return List.copyOf(all);
    }

    @Override
    public boolean deleteClient(String clientId) {
        Checks.requireText(clientId, "clientId");
        ensureOpen();
        boolean deleted = clients.remove(clientId) != null;
        if (deleted) {
            feed.publish(ChangeEvent.builder().clientChanged(clientId).build());
        }
        return deleted;
    }

    @Override
    public CleanupResult cleanupExpired() {
        ensureOpen();
        Instant now = now();
        int expiredStates = removeExpired(states, s -> s.isExpired(now));
        int expiredCodes = removeExpired(codes, c -> c.isExpired(now));
        int[] retired = new int[1];
        int expiredSessions = withWriteLock(() -> {
            List<String> ids = new ArrayList<>();
            sessionsById.values().stream().filter(s -> s.isFullyExpired(now)).forEach(s -> ids.add(s.sessionId()));
            ids.forEach(id -> removeSession(id, null));
            int before = retiredByHash.size();
            retiredByHash.values().removeIf(r -> !now.isBefore(r.expiresAt()));
            revokedUntil.values().removeIf(until -> !now.isBefore(until));
            retired[0] = before - retiredByHash.size();
            return ids.size();
        });
        return new CleanupResult(expiredStates, expiredCodes, expiredSessions, retired[0]);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "InMemoryTokenStore[clock=" + clock + "]";
    }

    private static <V> int removeExpired(ConcurrentMap<String, V> map, java.util.function.Predicate<V> expired) {
        int removed = 0;
        for (Map.Entry<String, V> entry : map.entrySet()) {
            if (expired.test(entry.getValue()) && map.remove(entry.getKey(), entry.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    private static void requireFree(Map<String, String> index, String hash, String sessionId, String field) {
        if (hash == null) {
            return;
        }
        String holder = index.get(hash);
        if (holder != null && !holder.equals(sessionId)) {
            throw new IllegalArgumentException(field + " is already used by another session");
        }
    }

    private void requireNotRetired(String refreshHash, String sessionId, String field, Instant now) {
        RetiredToken retired = refreshHash == null ? null : retiredByHash.get(refreshHash);
        if (retired != null && now.isBefore(retired.expiresAt())) {
            throw Refusals.refreshTokenRetired(sessionId, field);
        }
    }

    /**
     * Removes a session as a revocation: like {@link #removeSession}, and leaves a tombstone until
     * the session would have expired anyway, so no later write brings it back; caller holds the write lock.
     */
    private boolean revokeSession(String sessionId, ChangeEvent.Builder change) {
        StoredSession old = sessionsById.get(sessionId);
        if (old == null) {
            return false;
        }
        Instant until = old.refreshExpiresAt() != null && old.refreshExpiresAt().isAfter(old.accessExpiresAt())
                ? old.refreshExpiresAt() : old.accessExpiresAt();
        revokedUntil.merge(sessionId, until, (a, b) -> a.isAfter(b) ? a : b);
        return removeSession(sessionId, change);
    }

    /** Removes a session and its index entries, noting them in {@code change} if given; caller holds the write lock. */
    private boolean removeSession(String sessionId, ChangeEvent.Builder change) {
        StoredSession old = sessionsById.remove(sessionId);
        if (old == null) {
            return false;
        }
        if (change != null) {
            change.sessionRemoved(sessionId).tokenHash(old.accessTokenHash()).tokenHash(old.refreshTokenHash());
        }
        idByAccessHash.remove(old.accessTokenHash());
        if (old.refreshToken() != null) {
            idByRefreshHash.remove(old.refreshTokenHash());
        }
        return true;
    }

    /**
     * A refresh token retired by a rotation (successor: the refresh hash that replaced it) or by a
     * revocation (no successor), remembered until the expiry it had.
     */
    private record RetiredToken(String sessionId, String successorHash, Instant retiredAt, Instant expiresAt) {
        /** True if this was retired by the session's latest rotation within the grace window. */
        boolean withinGrace(Instant now, Duration grace, StoredSession current) {
            return !grace.isZero() && successorHash != null && successorHash.equals(current.refreshTokenHash())
                    && now.isBefore(retiredAt.plus(grace));
        }
    }

    private <T> T withReadLock(Supplier<T> work) {
        ensureOpen();
        sessionLock.readLock().lock();
        try {
            return work.get();
        } finally {
            sessionLock.readLock().unlock();
        }
    }

    private <T> T withWriteLock(Supplier<T> work) {
        sessionLock.writeLock().lock();
        try {
            return work.get();
        } finally {
            sessionLock.writeLock().unlock();
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("token store is closed");
        }
    }
}
