package dev.tokenstore;

import java.time.Clock;
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
 * {@link TransactionalTokenStore}: it is the plain single-op backend of the TCK.
 */
public final class InMemoryTokenStore implements TokenStore {
    private final Clock clock;
    private final ConcurrentMap<String, StateRecord> states = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AuthCodeRecord> codes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ClientRecord> clients = new ConcurrentHashMap<>();
    /** Guards the three session maps together so they never disagree. */
    private final ReadWriteLock sessionLock = new ReentrantReadWriteLock();
    private final Map<String, StoredSession> sessionsById = new HashMap<>();
    private final Map<String, String> idByAccessHash = new HashMap<>();
    private final Map<String, String> idByRefreshHash = new HashMap<>();
    private volatile boolean closed;

    /** A store judging expiry by the system UTC clock. */
    public InMemoryTokenStore() {
        this(Clock.systemUTC());
    }

    /** A store judging expiry by {@code clock}. */
    public InMemoryTokenStore(Clock clock) {
        this.clock = Checks.requireNonNull(clock, "clock");
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
        withWriteLock(() -> {
            ensureOpen();
            requireFree(idByAccessHash, accessHash, session.sessionId(), "accessToken");
            requireFree(idByRefreshHash, refreshHash, session.sessionId(), "refreshToken");
            removeSession(session.sessionId());
            sessionsById.put(session.sessionId(), session);
            idByAccessHash.put(accessHash, session.sessionId());
            if (refreshHash != null) {
                idByRefreshHash.put(refreshHash, session.sessionId());
            }
            return null;
        });
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        String hash = TokenHash.sha256Hex(Checks.requireText(accessToken, "accessToken"));
        Instant now = now();
        return withReadLock(() -> Optional.ofNullable(idByAccessHash.get(hash)).map(sessionsById::get)
                .filter(s -> s.isAccessLive(now)));
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
                .filter(s -> s.isRefreshLive(now)));
    }

    @Override
    public boolean deleteSessionByAccessToken(String accessToken) {
        String hash = TokenHash.sha256Hex(Checks.requireText(accessToken, "accessToken"));
        return withWriteLock(() -> {
            ensureOpen();
            String id = idByAccessHash.get(hash);
            return id != null && removeSession(id);
        });
    }

    @Override
    public boolean deleteSessionById(String sessionId) {
        Checks.requireText(sessionId, "sessionId");
        return withWriteLock(() -> {
            ensureOpen();
            return removeSession(sessionId);
        });
    }

    @Override
    public int deleteSessionsByUser(String userId) {
        Checks.requireText(userId, "userId");
        return withWriteLock(() -> {
            ensureOpen();
            List<String> ids = new ArrayList<>();
            sessionsById.values().stream().filter(s -> s.userId().equals(userId))
                    .forEach(s -> ids.add(s.sessionId()));
            ids.forEach(this::removeSession);
            return ids.size();
        });
    }

    @Override
    public void storeClient(ClientRecord client) {
        Checks.requireNonNull(client, "client");
        ensureOpen();
        clients.put(client.clientId(), client);
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
        return clients.remove(clientId) != null;
    }

    @Override
    public CleanupResult cleanupExpired() {
        ensureOpen();
        Instant now = now();
        int expiredStates = removeExpired(states, s -> s.isExpired(now));
        int expiredCodes = removeExpired(codes, c -> c.isExpired(now));
        int expiredSessions = withWriteLock(() -> {
            List<String> ids = new ArrayList<>();
            sessionsById.values().stream().filter(s -> s.isFullyExpired(now)).forEach(s -> ids.add(s.sessionId()));
            ids.forEach(this::removeSession);
            return ids.size();
        });
        return new CleanupResult(expiredStates, expiredCodes, expiredSessions);
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

    /** Removes a session and its index entries; caller holds the write lock. */
    private boolean removeSession(String sessionId) {
        StoredSession old = sessionsById.remove(sessionId);
        if (old == null) {
            return false;
        }
        idByAccessHash.remove(old.accessTokenHash());
        if (old.refreshToken() != null) {
            idByRefreshHash.remove(old.refreshTokenHash());
        }
        return true;
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
