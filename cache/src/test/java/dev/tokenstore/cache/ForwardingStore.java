package dev.tokenstore.cache;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A test delegate around a real {@link dev.tokenstore.InMemoryTokenStore}: forwards every call,
 * counts client and session reads, can fail reads or answer the next client read with a scripted
 * value. Subclasses add the optional capabilities.
 */
class ForwardingStore extends ForwardingTokenStore {
    final TokenStore inner;
    final AtomicInteger sessionReads = new AtomicInteger();
    final AtomicInteger clientReads = new AtomicInteger();
    final AtomicReference<RuntimeException> failReads = new AtomicReference<>();
    final AtomicReference<Optional<ClientRecord>> nextClientAnswer = new AtomicReference<>();

    ForwardingStore(TokenStore inner) {
        this.inner = inner;
    }

    @Override
    protected TokenStore delegate() {
        return inner;
    }

    /** Only what this test delegate (or its subclass) implements itself, not the inner store's. */
    @Override
    public dev.tokenstore.TokenStoreFeatures features() {
        return dev.tokenstore.TokenStoreFeatures.of(this);
    }

    private void maybeFail() {
        RuntimeException e = failReads.get();
        if (e != null) {
            throw e;
        }
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        sessionReads.incrementAndGet();
        maybeFail();
        return inner.loadSessionByAccessToken(accessToken);
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        sessionReads.incrementAndGet();
        maybeFail();
        return inner.loadSessionById(sessionId);
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        sessionReads.incrementAndGet();
        maybeFail();
        return inner.loadSessionByRefreshToken(refreshToken);
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        clientReads.incrementAndGet();
        maybeFail();
        Optional<ClientRecord> scripted = nextClientAnswer.getAndSet(null);
        return scripted != null ? scripted : inner.loadClient(clientId);
    }

    /** With bulk: loops the single-op calls (the in-memory store has no transactions). */
    static class Bulk extends ForwardingStore implements BulkSessionStore {
        private final java.util.Map<String, String> tokenByHash = new java.util.concurrent.ConcurrentHashMap<>();

        Bulk(TokenStore inner) {
            super(inner);
        }

        @Override
        public void storeSession(StoredSession session) {
            super.storeSession(session);
            tokenByHash.put(session.accessTokenHash(), session.accessToken());
        }

        @Override
        public void bulkStoreSessions(List<StoredSession> sessions) {
            sessions.forEach(this::storeSession);
        }

        @Override
        public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            int deleted = 0;
            for (String hash : accessTokenHashes) {
                String token = tokenByHash.get(hash);
                if (token != null && inner.deleteSessionByAccessToken(token)) {
                    deleted++;
                }
            }
            return deleted;
        }
    }

    /** With transactions: runs the work against the store itself, serialised (no rollback). */
    static class Transactional extends ForwardingStore implements TransactionalTokenStore {
        Transactional(TokenStore inner) {
            super(inner);
        }

        @Override
        public synchronized <T> T inTransaction(Function<TokenStore, T> work) {
            return work.apply(inner);
        }
    }

    /** With both capabilities. */
    static final class BulkTransactional extends Bulk implements TransactionalTokenStore {
        BulkTransactional(TokenStore inner) {
            super(inner);
        }

        @Override
        public synchronized <T> T inTransaction(Function<TokenStore, T> work) {
            return work.apply(inner);
        }
    }
}
