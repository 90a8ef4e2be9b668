package dev.tokenstore.redis;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.Rotation;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@code inTransaction} gives on Redis, which has no multi-key transaction across slots: the
 * work runs against a view that defers every write and sees its own writes; nothing reaches Redis
 * (and nothing is announced on the feed) unless the work returns. A consume inside the work takes
 * nothing until commit; at commit the consumes run first, and if another instance took one of them
 * meanwhile the commit fails with {@link TokenStoreException} (kind TRANSIENT) after giving back
 * the values it had taken, writing nothing else. The deferred writes then run in order.
 *
 * <p>Not given: isolation from concurrent writers between the work's reads and the commit (they
 * are checked again when written, as any write is), and atomicity against a crash of this process
 * <em>during</em> the commit, which can leave a prefix of the writes. {@code deleteSessionsByUser},
 * {@code cleanupExpired} and a rotation of a token that is not live are refused inside a transaction
 * ({@link UnsupportedOperationException}): their outcome cannot be known before commit.
 */
final class RedisTransaction {
    private final RedisTokenStore store;
    private final List<Runnable> writes = new ArrayList<>();
    private final Map<String, Optional<StoredSession>> sessions = new LinkedHashMap<>();
    private final Map<String, Optional<StateRecord>> states = new HashMap<>();
    private final Map<String, Optional<AuthCodeRecord>> codes = new HashMap<>();
    private final Map<String, Optional<ClientRecord>> clients = new HashMap<>();
    private final List<String[]> consumes = new ArrayList<>();

    RedisTransaction(RedisTokenStore store) {
        this.store = store;
    }

    <T> T run(Function<TokenStore, T> work) {
        View view = new View();
        T result;
        try {
            result = work.apply(view);
        } finally {
            view.closed = true;
        }
        commit();
        return result;
    }

    private void commit() {
        List<String[]> taken = new ArrayList<>();
        for (String[] c : consumes) {
            boolean state = "state".equals(c[0]);
            Optional<?> got = state ? store.consumeState(c[1]) : store.consumeAuthCode(c[1]);
            if (got.isEmpty()) {
                for (String[] back : taken) {
                    if ("state".equals(back[0])) {
                        store.storeState(peekedStates.get(back[1]));
                    } else {
                        store.storeAuthCode(peekedCodes.get(back[1]));
                    }
                }
                throw new TokenStoreException("the transaction's consume of a one-time value lost a race with another "
                        + "consumer; nothing was written", null, TokenStoreException.Kind.TRANSIENT, null, 0);
            }
            taken.add(c);
        }
        writes.forEach(Runnable::run);
    }

    private final Map<String, StateRecord> peekedStates = new HashMap<>();
    private final Map<String, AuthCodeRecord> peekedCodes = new HashMap<>();

    /** The store the work sees. */
    private final class View implements TokenStore {
        boolean closed;

        private void open() {
            store.ensureOpen();
            if (closed) {
                throw new IllegalStateException("the transaction is over");
            }
        }

        @Override
        public void storeState(StateRecord state) {
            open();
            check(state, "state record");
            states.put(state.state(), Optional.of(state));
            writes.add(() -> store.storeState(state));
        }

        @Override
        public Optional<StateRecord> consumeState(String state) {
            open();
            checkText(state, "state");
            Optional<StateRecord> known = states.get(state);
            if (known != null) {
                states.put(state, Optional.empty());
                return known.filter(s -> !s.isExpired(store.env().clock().instant()));
            }
            Optional<StateRecord> remote = store.peekState(state);
            states.put(state, Optional.empty());
            remote.ifPresent(s -> {
                peekedStates.put(state, s);
                consumes.add(new String[] {"state", state});
            });
            return remote;
        }

        @Override
        public void storeAuthCode(AuthCodeRecord code) {
            open();
            check(code, "auth code record");
            codes.put(code.code(), Optional.of(code));
            writes.add(() -> store.storeAuthCode(code));
        }

        @Override
        public Optional<AuthCodeRecord> consumeAuthCode(String code) {
            open();
            checkText(code, "code");
            Optional<AuthCodeRecord> known = codes.get(code);
            if (known != null) {
                codes.put(code, Optional.empty());
                return known.filter(c -> !c.isExpired(store.env().clock().instant()));
            }
            Optional<AuthCodeRecord> remote = store.peekCode(code);
            codes.put(code, Optional.empty());
            remote.ifPresent(c -> {
                peekedCodes.put(code, c);
                consumes.add(new String[] {"code", code});
            });
            return remote;
        }

        @Override
        public void storeSession(StoredSession session) {
            open();
            check(session, "session");
            sessions.put(session.sessionId(), Optional.of(session));
            writes.add(() -> store.storeSession(session));
        }

        @Override
        public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
            open();
            checkText(accessToken, "accessToken");
            return byToken(accessToken, false);
        }

        @Override
        public Optional<StoredSession> loadSessionById(String sessionId) {
            open();
            checkText(sessionId, "sessionId");
            Optional<StoredSession> known = sessions.get(sessionId);
            if (known != null) {
                return known.filter(s -> s.isAccessLive(store.env().clock().instant()));
            }
            return store.loadSessionById(sessionId);
        }

        @Override
        public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
            open();
            checkText(refreshToken, "refreshToken");
            return byToken(refreshToken, true);
        }

        private Optional<StoredSession> byToken(String token, boolean refresh) {
            var now = store.env().clock().instant();
            for (Optional<StoredSession> s : sessions.values()) {
                if (s.isPresent() && TokenHash.sameToken(refresh ? s.get().refreshToken() : s.get().accessToken(), token)) {
                    return refresh ? s.filter(x -> x.isRefreshLive(now)) : s.filter(x -> x.isAccessLive(now));
                }
            }
            Optional<StoredSession> remote = refresh ? store.loadSessionByRefreshToken(token)
                    : store.loadSessionByAccessToken(token);
            return remote.filter(r -> !sessions.containsKey(r.sessionId()));
        }

        @Override
        public Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
            open();
            Rotation.checkArguments(presentedRefreshToken, next);
            Optional<StoredSession> current = byToken(presentedRefreshToken, true);
            if (current.isEmpty() || !current.get().sessionId().equals(next.sessionId())) {
                throw new UnsupportedOperationException("inside a Redis transaction only a rotation of a live refresh "
                        + "token of next's session can be decided before commit; rotate outside the transaction");
            }
            sessions.put(next.sessionId(), Optional.of(next));
            Rotation expected = new Rotation.Rotated(current.get());
            writes.add(() -> {
                Rotation actual = store.rotateSession(presentedRefreshToken, next);
                if (!expected.equals(actual)) {
                    throw new TokenStoreException("the transaction's rotation lost a race with another write of the "
                            + "session (" + actual.getClass().getSimpleName() + " at commit)");
                }
            });
            return expected;
        }

        @Override
        public boolean deleteSessionByAccessToken(String accessToken) {
            open();
            checkText(accessToken, "accessToken");
            for (Map.Entry<String, Optional<StoredSession>> e : sessions.entrySet()) {
                if (e.getValue().isPresent() && TokenHash.sameToken(e.getValue().get().accessToken(), accessToken)) {
                    return deleteSessionById(e.getKey());
                }
            }
            Optional<String> id = store.sessionIdHolding(accessToken).filter(sid -> !sessions.containsKey(sid));
            id.ifPresent(sid -> sessions.put(sid, Optional.empty()));
            writes.add(() -> store.deleteSessionByAccessToken(accessToken));
            return id.isPresent();
        }

        @Override
        public boolean deleteSessionById(String sessionId) {
            open();
            checkText(sessionId, "sessionId");
            Optional<StoredSession> known = sessions.get(sessionId);
            boolean existed = known != null ? known.isPresent() : store.sessionExists(sessionId);
            sessions.put(sessionId, Optional.empty());
            writes.add(() -> store.deleteSessionById(sessionId));
            return existed;
        }

        @Override
        public int deleteSessionsByUser(String userId) {
            throw new UnsupportedOperationException("deleteSessionsByUser is not available inside a Redis transaction");
        }

        @Override
        public void storeClient(ClientRecord client) {
            open();
            check(client, "client");
            clients.put(client.clientId(), Optional.of(client));
            writes.add(() -> store.storeClient(client));
        }

        @Override
        public Optional<ClientRecord> loadClient(String clientId) {
            open();
            checkText(clientId, "clientId");
            Optional<ClientRecord> known = clients.get(clientId);
            return known != null ? known : store.loadClient(clientId);
        }

        @Override
        public List<ClientRecord> listClients() {
            open();
            Map<String, ClientRecord> all = new java.util.TreeMap<>();
            store.listClients().forEach(c -> all.put(c.clientId(), c));
            clients.forEach((id, c) -> {
                if (c.isPresent()) {
                    all.put(id, c.get());
                } else {
                    all.remove(id);
                }
            });
            return List.copyOf(all.values());
        }

        @Override
        public boolean deleteClient(String clientId) {
            open();
            checkText(clientId, "clientId");
            boolean existed = loadClient(clientId).isPresent();
            clients.put(clientId, Optional.empty());
            writes.add(() -> store.deleteClient(clientId));
            return existed;
        }

        @Override
        public CleanupResult cleanupExpired() {
            throw new UnsupportedOperationException("cleanupExpired is not available inside a Redis transaction");
        }

        @Override
        public void close() {
            // the transaction ends with the work
        }
    }

    private static void check(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required (was null)");
        }
    }

    private static void checkText(String value, String field) {
        check(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
