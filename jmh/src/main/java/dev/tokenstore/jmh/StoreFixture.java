package dev.tokenstore.jmh;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * One trial's store: a new database of the chosen backend, opened through
 * {@link TokenStores#open(dev.tokenstore.TokenStoreOptions)} with an encryption key, preloaded with
 * {@code preload} realistic sessions (in bulk where the backend can), wrapped as asked and, when
 * the wrapping caches, warmed so that the benchmark's reads of preloaded sessions are hits. Keeps the preloaded
 * sessions' tokens and ids for the read benchmarks. {@link #close()} closes the store and drops
 * the database.
 */
final class StoreFixture implements AutoCloseable {
    static final int PRELOAD_CHUNK = 1000;

    private final Database db;
    private final TokenStore raw;
    private final TokenStore store;
    private final Wrapping wrapping;
    private final String[] accessTokens;
    private final String[] sessionIds;
    private final String[] refreshTokens;

    private StoreFixture(Database db, TokenStore raw, TokenStore store, Wrapping wrapping, String[] accessTokens,
            String[] sessionIds, String[] refreshTokens) {
        this.db = db;
        this.raw = raw;
        this.store = store;
        this.wrapping = wrapping;
        this.accessTokens = accessTokens;
        this.sessionIds = sessionIds;
        this.refreshTokens = refreshTokens;
    }

    /** How the benchmark will read preloaded sessions, so a cache is warmed for exactly that. */
    enum Lookup { NONE, ACCESS_TOKEN, SESSION_ID, REFRESH_TOKEN }

    /** Opens, preloads and wraps a store, warming no cache; {@code seed} makes the data repeatable. */
    static StoreFixture open(Backend backend, Wrapping wrapping, int preload, long seed) {
        return open(backend, wrapping, preload, seed, Lookup.NONE);
    }

    /** Opens, preloads and wraps a store; when the wrapping caches, loads every preloaded session by {@code warm}. */
    static StoreFixture open(Backend backend, Wrapping wrapping, int preload, long seed, Lookup warm) {
        return open(backend, wrapping, preload, seed, warm, b -> b);
    }

    /** As above, with the store's options adjusted (e.g. a {@code jdbc.*} property) before it opens. */
    static StoreFixture open(Backend backend, Wrapping wrapping, int preload, long seed, Lookup warm,
            java.util.function.UnaryOperator<TokenStoreOptions.Builder> adjust) {
        Database db = backend.create();
        TokenStore raw = null;
        try {
            byte[] key = new byte[32];
            new Random(seed).nextBytes(key);
            TokenStoreOptions.Builder options = adjust.apply(db.options(key, TokenStoreOptions.DEFAULT_POOL_SIZE)
                    .toBuilder());
            BenchSettings.storeOptions().forEach(options::property);
            raw = TokenStores.open(options.build());
            String[] access = new String[preload];
            String[] ids = new String[preload];
            String[] refresh = new String[preload];
            preload(raw, new SessionFactory(seed), preload, access, ids, refresh);
            TokenStore wrapped = wrapping.wrap(raw);
            StoreFixture fixture = new StoreFixture(db, raw, wrapped, wrapping, access, ids, refresh);
            if (wrapping.caches()) {
                fixture.warmCache(warm);
            }
            return fixture;
        } catch (RuntimeException | Error e) {
            if (raw != null) {
                raw.close();
            }
            db.close();
            throw e;
        }
    }

    private static void preload(TokenStore raw, SessionFactory factory, int count, String[] access, String[] ids,
            String[] refresh) {
        Instant now = Instant.now();
        for (int start = 0; start < count; start += PRELOAD_CHUNK) {
            List<StoredSession> chunk = factory.sessions(now, Math.min(PRELOAD_CHUNK, count - start));
            storeAll(raw, chunk);
            for (int i = 0; i < chunk.size(); i++) {
                StoredSession s = chunk.get(i);
                access[start + i] = s.accessToken();
                ids[start + i] = s.sessionId();
                refresh[start + i] = s.refreshToken();
            }
        }
    }

    /** Stores the sessions in one bulk call where the store can, else one by one. */
    static void storeAll(TokenStore store, List<StoredSession> sessions) {
        if (store.features().bulk().isPresent()) {
            store.features().bulk().orElseThrow().bulkStoreSessions(sessions);
        } else {
            sessions.forEach(store::storeSession);
        }
    }

    private void warmCache(Lookup lookup) {
        for (int i = 0; i < accessTokens.length; i++) {
            switch (lookup) {
                case ACCESS_TOKEN -> store.loadSessionByAccessToken(accessTokens[i]).orElseThrow();
                case SESSION_ID -> store.loadSessionById(sessionIds[i]).orElseThrow();
                case REFRESH_TOKEN -> store.loadSessionByRefreshToken(refreshTokens[i]).orElseThrow();
                case NONE -> {
                    return;
                }
            }
        }
    }

    /** The (wrapped) store under test. */
    TokenStore store() {
        return store;
    }

    /** The unwrapped backend store. */
    TokenStore raw() {
        return raw;
    }

    Database database() {
        return db;
    }

    Wrapping wrapping() {
        return wrapping;
    }

    /** The store under test as a {@link BulkSessionStore}, or an explanation of why it is not one. */
    BulkSessionStore bulk() {
        if (store.features().bulk().isPresent()) {
            return store.features().bulk().orElseThrow();
        }
        throw new UnsupportedOperationException(db.backend().paramName() + " (" + wrapping.paramName()
                + ") does not implement BulkSessionStore");
    }

    int size() {
        return accessTokens.length;
    }

    String accessToken(int i) {
        return accessTokens[i];
    }

    String sessionId(int i) {
        return sessionIds[i];
    }

    String refreshToken(int i) {
        return refreshTokens[i];
    }

    /** Pushes out buffered writes, so the next trial step starts from a settled store. */
    void flush() {
        Wrappers.flush(store);
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            db.close();
        }
    }
}
