package dev.tokenstore;

import java.util.Objects;
import java.util.Optional;

/**
 * The optional capabilities of a {@link TokenStore}, one accessor each (in the manner of
 * Caffeine's {@code Policy}): empty where the store does not offer it. Get it with
 * {@link TokenStore#features()}; it is the one way to detect a capability that works on any stack
 * of wrappers, since a wrapper is one class whatever its delegate can do.
 *
 * <p>The view of a backend is built from the capability interfaces it implements
 * ({@link #of(TokenStore)}: exactly {@code instanceof}). A wrapper's view is its delegate's, with
 * the capabilities it must intercept replaced ({@link #with(TokenStoreFeatures)}): the cache
 * invalidates around bulk writes and transactions, the buffer flushes first, the timer times each
 * call; everything else passes through unchanged. Views are immutable and cheap.
 */
public final class TokenStoreFeatures {
    /** The view of a store with no optional capability. */
    public static final TokenStoreFeatures NONE = new Builder().build();

    private final Optional<BulkSessionStore> bulk;
    private final Optional<TransactionalTokenStore> transactions;
    private final Optional<ChangeFeed> changeFeed;
    private final Optional<KeyRotation> keyRotation;
    private final Optional<DatabaseHealth> databaseHealth;
    private final Optional<CleanupCoordination> cleanupCoordination;

    private TokenStoreFeatures(Builder b) {
        this.bulk = Optional.ofNullable(b.bulk);
        this.transactions = Optional.ofNullable(b.transactions);
        this.changeFeed = Optional.ofNullable(b.changeFeed);
        this.keyRotation = Optional.ofNullable(b.keyRotation);
        this.databaseHealth = Optional.ofNullable(b.databaseHealth);
        this.cleanupCoordination = Optional.ofNullable(b.cleanupCoordination);
    }

    /** The view of a store that implements the capability interfaces itself (a backend). */
    public static TokenStoreFeatures of(TokenStore store) {
        Objects.requireNonNull(store, "store");
        Builder b = new Builder();
        b.bulk = store instanceof BulkSessionStore x ? x : null;
        b.transactions = store instanceof TransactionalTokenStore x ? x : null;
        b.changeFeed = store instanceof ChangeFeed x ? x : null;
        b.keyRotation = store instanceof KeyRotation x ? x : null;
        b.databaseHealth = store instanceof DatabaseHealth x ? x : null;
        b.cleanupCoordination = store instanceof CleanupCoordination x ? x : null;
        return b.build();
    }

    /** A builder starting from {@code inner}: a wrapper passes everything on and replaces what it intercepts. */
    public static Builder with(TokenStoreFeatures inner) {
        Objects.requireNonNull(inner, "inner");
        Builder b = new Builder();
        b.bulk = inner.bulk.orElse(null);
        b.transactions = inner.transactions.orElse(null);
        b.changeFeed = inner.changeFeed.orElse(null);
        b.keyRotation = inner.keyRotation.orElse(null);
        b.databaseHealth = inner.databaseHealth.orElse(null);
        b.cleanupCoordination = inner.cleanupCoordination.orElse(null);
        return b;
    }

    /** {@code inner}'s capabilities, each replaced by {@code own}'s where that one is present. */
    public static TokenStoreFeatures overlay(TokenStoreFeatures inner, TokenStoreFeatures own) {
        return with(inner)
                .bulk(own.bulk.orElse(inner.bulk.orElse(null)))
                .transactions(own.transactions.orElse(inner.transactions.orElse(null)))
                .changeFeed(own.changeFeed.orElse(inner.changeFeed.orElse(null)))
                .keyRotation(own.keyRotation.orElse(inner.keyRotation.orElse(null)))
                .databaseHealth(own.databaseHealth.orElse(inner.databaseHealth.orElse(null)))
                .cleanupCoordination(own.cleanupCoordination.orElse(inner.cleanupCoordination.orElse(null)))
                .build();
    }

    /** Many session writes or deletes in one transaction. */
    public Optional<BulkSessionStore> bulk() {
        return bulk;
    }

    /** Single-op calls run in one transaction. */
    public Optional<TransactionalTokenStore> transactions() {
        return transactions;
    }

    /** Every committed change made through any instance over the same data. */
    public Optional<ChangeFeed> changeFeed() {
        return changeFeed;
    }

    /** Re-encryption under the primary key, and counts of values by key id. */
    public Optional<KeyRotation> keyRotation() {
        return keyRotation;
    }

    /** Whether the database can be reached now (circuit breaker state). */
    public Optional<DatabaseHealth> databaseHealth() {
        return databaseHealth;
    }

    /** Instances over the same data take turns cleaning up. */
    public Optional<CleanupCoordination> cleanupCoordination() {
        return cleanupCoordination;
    }

    /** The names of the capabilities present, e.g. {@code [bulk, changeFeed]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TokenStoreFeatures[");
        String sep = "";
        for (var entry : new Object[][] {{"bulk", bulk}, {"transactions", transactions}, {"changeFeed", changeFeed},
                {"keyRotation", keyRotation}, {"databaseHealth", databaseHealth},
                {"cleanupCoordination", cleanupCoordination}}) {
            if (((Optional<?>) entry[1]).isPresent()) {
                sb.append(sep).append(entry[0]);
                sep = ", ";
            }
        }
        return sb.append(']').toString();
    }

    /**
     * Sets capabilities of a view; null removes one. Each setter takes the capability or null; the
     * {@code map} helpers of {@link Optional} fit: {@code .bulk(inner.bulk().map(MyBulk::new).orElse(null))}.
     */
    public static final class Builder {
        private BulkSessionStore bulk;
        private TransactionalTokenStore transactions;
        private ChangeFeed changeFeed;
        private KeyRotation keyRotation;
        private DatabaseHealth databaseHealth;
        private CleanupCoordination cleanupCoordination;

        private Builder() {
        }

        public Builder bulk(BulkSessionStore value) {
            this.bulk = value;
            return this;
        }

        public Builder transactions(TransactionalTokenStore value) {
            this.transactions = value;
            return this;
        }

        public Builder changeFeed(ChangeFeed value) {
            this.changeFeed = value;
            return this;
        }

        public Builder keyRotation(KeyRotation value) {
            this.keyRotation = value;
            return this;
        }

        public Builder databaseHealth(DatabaseHealth value) {
            this.databaseHealth = value;
            return this;
        }

        public Builder cleanupCoordination(CleanupCoordination value) {
            this.cleanupCoordination = value;
            return this;
        }

        public TokenStoreFeatures build() {
            return new TokenStoreFeatures(this);
        }
    }
}
