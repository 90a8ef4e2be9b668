package dev.tokenstore.tck.buffering;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreFeatures;
import dev.tokenstore.TransactionalTokenStore;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * A backend's store seen with only some of its capabilities, so the buffering suite can make the
 * buffer take each of its flush paths on a real backend. Forwards every call to the backend store;
 * session writes first pass {@link WriteFaults}. {@link #close()} is recorded, not forwarded: the kit
 * closes the backend store itself and can inspect it after the buffer is closed.
 */
public final class CapabilityHidingTokenStore extends ForwardingTokenStore {

    /** Which capabilities the wrapped store shows. */
    public enum Flavor {
        /** No optional capability: the buffer calls {@code storeSession} one by one. */
        SINGLE_OP,
        /** {@link TransactionalTokenStore} only: the buffer writes inside {@code inTransaction}. */
        TRANSACTIONAL,
        /** {@link BulkSessionStore} only: the buffer uses {@code bulkStoreSessions}. */
        BULK,
        /** Everything the backend has, the change feed included. */
        NATIVE;

        /** True if the backend store has what this flavour shows. */
        public boolean availableOn(TokenStore backend) {
            return switch (this) {
                case SINGLE_OP, NATIVE -> true;
                case TRANSACTIONAL -> backend.features().transactions().isPresent();
                case BULK -> backend.features().bulk().isPresent();
            };
        }
    }

    final TokenStore backend;
    final WriteFaults faults;
    private final TokenStoreFeatures features;
    private volatile boolean closed;

    private CapabilityHidingTokenStore(TokenStore backend, WriteFaults faults, Flavor flavor) {
        this.backend = backend;
        this.faults = faults;
        TokenStoreFeatures inner = backend.features();
        BulkSessionStore bulk = inner.bulk().isPresent() ? new FaultingBulk() : null;
        TransactionalTokenStore transactions = inner.transactions().isPresent() ? new FaultingTransactions() : null;
        this.features = switch (flavor) {
            case SINGLE_OP -> TokenStoreFeatures.NONE;
            case TRANSACTIONAL -> TokenStoreFeatures.with(TokenStoreFeatures.NONE).transactions(transactions).build();
            case BULK -> TokenStoreFeatures.with(TokenStoreFeatures.NONE).bulk(bulk).build();
            case NATIVE -> TokenStoreFeatures.with(inner).bulk(bulk).transactions(transactions).build();
        };
    }

    /** The flavour's capabilities: bulk writes and transactions pass the faults first; the rest is the backend's. */
    @Override
    public TokenStoreFeatures features() {
        return features;
    }

    /**
     * The backend store showing {@code flavor}'s capabilities.
     *
     * @throws IllegalArgumentException if the backend lacks them (check {@link Flavor#availableOn} first)
     */
    public static CapabilityHidingTokenStore over(TokenStore backend, Flavor flavor, WriteFaults faults) {
        if (!flavor.availableOn(backend)) {
            throw new IllegalArgumentException("flavor " + flavor + " is not available on " + backend);
        }
        return new CapabilityHidingTokenStore(backend, faults, flavor);
    }

    @Override
    protected TokenStore delegate() {
        return backend;
    }

    /** True once {@link #close()} was called (by the buffer). */
    public boolean closed() {
        return closed;
    }

    @Override
    public void storeSession(StoredSession session) {
        faults.beforeWrite(List.of(session));
        backend.storeSession(session);
    }

    @Override
    public dev.tokenstore.Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        faults.beforeRotation();
        return backend.rotateSession(presentedRefreshToken, next);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + backend + "]";
    }

    private final class FaultingBulk implements BulkSessionStore {
        @Override
        public void bulkStoreSessions(List<StoredSession> sessions) {
            faults.beforeWrite(sessions);
            backend.features().bulk().orElseThrow().bulkStoreSessions(sessions);
        }

        @Override
        public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
            return backend.features().bulk().orElseThrow().bulkDeleteSessionsByHash(accessTokenHashes);
        }
    }

    private final class FaultingTransactions implements TransactionalTokenStore {
        @Override
        public <T> T inTransaction(Function<TokenStore, T> work) {
            return transaction(work);
        }
    }

    private <T> T transaction(Function<TokenStore, T> work) {
        faults.beforeWrite(List.of());
        return backend.features().transactions().orElseThrow().inTransaction(tx -> work.apply(new ForwardingTokenStore() {
            @Override
            protected TokenStore delegate() {
                return tx;
            }

            @Override
            public void storeSession(StoredSession session) {
                faults.beforeEach(List.of(session));
                tx.storeSession(session);
            }
        }));
    }
}
