package dev.tokenstore.jdbc;

import dev.tokenstore.Availability;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.ChangeListener;
import dev.tokenstore.ChangeSubscription;
import dev.tokenstore.DatabaseHealth;
import dev.tokenstore.CleanupCoordination;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ForwardingTokenStore;
import dev.tokenstore.KeyRotation;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TransactionalTokenStore;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenStore} on any SQL database, given a {@link SqlDialect} and a
 * {@link ConnectionSource}; the SQLite, H2 and PostgreSQL backends are thin layers over it.
 *
 * <p>Guarantees, on top of the {@link TokenStore} contract:
 * <ul>
 *   <li>tables {@code <prefix>states}, {@code auth_codes}, {@code sessions}, {@code clients}
 *   (prefix from property {@code jdbc.tablePrefix}, default {@code tokenstore_}) are created or
 *   migrated on open, recorded in {@code <prefix>schema_version}; a database written by a newer
 *   version is refused;</li>
 *   <li>every operation is one transaction and every statement is parameterized; a one-time
 *   consume is a single {@code DELETE … RETURNING} or a select and delete whose row count
 *   decides the one winner;</li>
 *   <li>token values, provider tokens, client secrets, PKCE values and verifiers are stored only
 *   encrypted ({@link TokenCipher}); states and codes only as SHA-256; sessions are found by
 *   {@link dev.tokenstore.TokenHash} of their tokens;</li>
 *   <li>{@link #cleanupExpired()} deletes at most {@code jdbc.cleanupChunkSize} (default 5000)
 *   rows per transaction, through the expiry indexes;</li>
 *   <li>transient lock conflicts are retried a few times ({@code jdbc.maxRetries}, default 3);
 *   other database failures surface as {@link TokenStoreException} naming the store;</li>
 *   <li>{@link ChangeFeed}: every session and client write records what it changed in the same
 *   transaction — a row of {@code <prefix>change_log} by default, read by every subscribed store
 *   instance every {@code jdbc.changePollMillis} (default 50) and kept for
 *   {@code jdbc.changeLogRetentionSeconds} (default 600; pruned by {@link #cleanupExpired()} and
 *   a little with every 1024th write), or a payload of the backend's {@link ChangeChannel}
 *   (PostgreSQL: {@code NOTIFY}). The poller or listener thread runs only while someone is
 *   subscribed. {@code jdbc.changeFeed=off} saves that write for a deployment with exactly one
 *   instance: then nothing is published and subscribers hear nothing (other instances' caches
 *   would miss this one's writes; every instance over the same data must leave it on).</li>

 *   <li>a circuit breaker ({@code jdbc.breaker.*}) sits in front of the database: connection-level
 *   failures surface as {@link dev.tokenstore.DatabaseUnavailableException}, and once they pass the
 *   threshold calls fail at once until a probe after the cool-down reaches the database again;
 *   {@link #availability()} reports its state.</li>
 * </ul>
 */
public final class JdbcTokenStore extends ForwardingTokenStore
        implements BulkSessionStore, TransactionalTokenStore, ChangeFeed, DatabaseHealth, CleanupCoordination,
        KeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcTokenStore.class);

    private final String name;
    private final ConnectionSource source;
    private final Lifecycle lifecycle;
    private final SqlTokenStore sql;
    private final CircuitGuard guard;
    private final String tablePrefix;
    private final StoreChangeFeed changeFeed;
    private final NestedTransactions transactions;
    private final CleanupLock cleanupLock;
    private final EngineAccess access;
    private final Runnable opening;

    /** Wires the engine's parts; {@link Builder#build()} then runs the {@link OpenSequence}. */
    private JdbcTokenStore(Builder b, JdbcSettings settings, BreakerSettings breaker, TokenCipher cipher) {
        this.name = b.name != null ? b.name : "tokenstore " + b.dialect.name() + " " + b.source.description();
        this.source = b.source;
        this.tablePrefix = settings.tablePrefix;
        this.lifecycle = new Lifecycle(name);
        Failures failures = new Failures(name, b.dialect);
        this.guard = new CircuitGuard(breaker, b.dialect, name, b.options.clock());
        Statements statements = new Statements(new Schema(settings.tablePrefix), b.dialect);
        ChangeChannel channel = b.changeChannel;
        String topic = statements.schema.changeLog;
        ChangeLogPruner pruner = new ChangeLogPruner(statements, settings.changeRetentionSeconds * 1000L);
        ChangePublisher publisher = !settings.changeFeed ? ChangePublisher.OFF
                : channel != null ? new ChannelPublisher(channel, topic, b.options.clock(), pruner)
                : new ChangeLogPublisher(statements, b.options.clock(), pruner);
        LendingSource lending = new LendingSource(source);
        PooledRunner runner = new PooledRunner(lending, b.dialect, failures, settings.maxRetries, lifecycle, guard,
                publisher);
        long pollNanos = settings.changePollMillis * 1_000_000L;
        this.changeFeed = new StoreChangeFeed(new ChangeHub(name, channel != null
                ? receiver -> channel.listen(topic, receiver)
                : receiver -> ChangeLogPoller.start(runner, statements, pollNanos, name, receiver)),
                channel, settings.changeFeed);
        Rows rows = new Rows(cipher, settings.refuseUnboundValues);
        this.transactions = new NestedTransactions(runner, failures);
        this.sql = new SqlTokenStore(new SqlContext(transactions.outerRunner(), statements, b.dialect, rows,
                b.options.clock(), publisher), settings.cleanupChunkSize, b.options.refreshReuseGrace().toMillis());
        this.cleanupLock = new CleanupLock(source, lending, b.dialect, failures, lifecycle, settings.tablePrefix);
        this.access = new EngineAccess(runner, statements, b.dialect, rows);
        this.opening = () -> OpenSequence.run(source, runner, failures, statements, b.dialect, rows,
                b.options.clock(), name);
    }

    /**
     * Starts building a store.
     *
     * @param options the store options (clock, keys, {@code jdbc.*} properties)
     * @param dialect what differs about the database
     * @param source  where connections come from; the store owns it from {@link Builder#build()} on
     *                and closes it on {@link #close()} (or when opening fails)
     */
    public static Builder builder(TokenStoreOptions options, SqlDialect dialect, ConnectionSource source) {
        return new Builder(options, dialect, source);
    }

    /** Name of this store in messages and logs: dialect and where the data lives (no password). */
    public String name() {
        return name;
    }

    /** Every single-op call goes to the engine core, which runs it in its own transaction. */
    @Override
    protected TokenStore delegate() {
        return sql;
    }

    /**
     * A backend: its capabilities are the interfaces it implements, and it is the last layer of a
     * stack (the SQL store it forwards to is how it is built, not a layer of its own).
     */
    @Override
    public dev.tokenstore.TokenStoreFeatures features() {
        return dev.tokenstore.TokenStoreFeatures.of(this);
    }

    @Override
    public <T> java.util.Optional<T> unwrap(Class<T> type) {
        return type.isInstance(this) ? java.util.Optional.of(type.cast(this)) : java.util.Optional.empty();
    }

    @Override
    public List<TokenStore> layers() {
        return List.of(this);
    }

    /**
     * The state of the circuit breaker in front of the database (closed, open, half-open), the
     * start of the current outage and the class of the last connection-level failure. Cheap; never
     * touches the database.
     */
    @Override
    public Availability availability() {
        return guard.availability();
    }

    /** The table prefix in use. */
    public String tablePrefix() {
        return tablePrefix;
    }

    @Override
    public void bulkStoreSessions(List<StoredSession> sessions) {
        sql.bulkStoreSessions(sessions);
    }

    @Override
    public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
        return sql.bulkDeleteSessionsByHash(accessTokenHashes);
    }

    /**
     * Runs {@code cleanup} (normally {@code cleanupExpired} of this store or of a wrapper over it)
     * unless another store instance over the same tables is cleaning, when the dialect has a
     * cleanup lock ({@link SqlDialect#locksCleanup}, PostgreSQL's advisory lock): the lock is held
     * on one pooled connection for the whole cleanup, which also serves the cleanup's chunks (and
     * any other call of this store) whenever it is free, so a pool of one connection suffices.
     * Without a dialect lock the cleanup runs at once.
     */
    @Override
    public Optional<CleanupResult> cleanupIfNoOtherInstanceIs(Supplier<CleanupResult> cleanup) {
        return cleanupLock.runIfFree(cleanup);
    }

    /**
     * Runs {@code work} in one write transaction. The store passed to {@code work} (which is also
     * a {@link BulkSessionStore}) runs every call on that transaction's connection and may be used
     * only by the calling thread, only inside the call. Commits when {@code work} returns; rolls
     * back and rethrows when it throws. While it runs, writes through this store on the same
     * thread fail with {@link IllegalStateException} (they would deadlock or escape the transaction).
     *
     * @throws IllegalStateException if called from inside another {@code inTransaction} of this store
     */
    @Override
    public <T> T inTransaction(Function<TokenStore, T> work) {
        return transactions.run(sql, work);
    }

    /**
     * Subscribes to the changes committed by every store instance over this database (this one
     * included), delivered on the store's change-feed thread; see {@link ChangeFeed}.
     */
    @Override
    public ChangeSubscription subscribe(ChangeListener listener) {
        lifecycle.ensureOpen();
        return changeFeed.subscribe(listener);
    }

    /** Stops the change feed and closes the connection source; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        changeFeed.close();
        if (lifecycle.close()) {
            source.close();
            LOG.debug("{} closed", name);
        }
    }

    /**
     * Rewrites every stored value that is not under the primary key in the current format, in
     * transactions of at most {@code chunkSize} rows; see {@link KeyRotation}. Logs progress at INFO.
     */
    @Override
    public ReencryptionReport reencrypt(int chunkSize) {
        lifecycle.ensureOpen();
        return new Reencryptor(access, name).run(chunkSize, true);
    }

    /** How many stored values each key id protects (read in chunks of 500 rows); see {@link KeyRotation}. */
    @Override
    public java.util.Map<String, Long> valuesByKeyId() {
        lifecycle.ensureOpen();
        return new Reencryptor(access, name).run(DEFAULT_CHUNK_SIZE, false).valuesByKeyId();
    }

    /** The engine's maintenance access to this store (re-encryption; the migration tests' earlier-format writer). */
    EngineAccess access() {
        return access;
    }

    @Override
    public String toString() {
        return "JdbcTokenStore[" + name + ", prefix=" + tablePrefix + "]";
    }

    /** Builds and opens a {@link JdbcTokenStore}. */
    public static final class Builder {
        private final TokenStoreOptions options;
        private final SqlDialect dialect;
        private final ConnectionSource source;
        private String name;
        private ChangeChannel changeChannel;

        private Builder(TokenStoreOptions options, SqlDialect dialect, ConnectionSource source) {
            this.options = Objects.requireNonNull(options, "options");
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            this.source = Objects.requireNonNull(source, "source");
        }

        /**
         * The store's name in messages (default {@code "tokenstore <dialect> <source description>"});
         * must not contain a password.
         */
        public Builder name(String storeName) {
            if (storeName == null || storeName.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = storeName;
            return this;
        }

        /**
         * Carries the change feed over this push channel instead of the polled change-log table
         * (PostgreSQL uses {@code LISTEN}/{@code NOTIFY}).
         */
        public Builder changeChannel(ChangeChannel channel) {
            this.changeChannel = Objects.requireNonNull(channel, "changeChannel");
            return this;
        }

        /**
         * Opens the store: reads the {@code jdbc.*} properties, builds the cipher from the
         * options' keys, runs {@link SqlDialect#prepareDatabase} and migrates the schema. On any
         * failure the connection source is closed.
         *
         * @throws IllegalArgumentException if a {@code jdbc.*} property is invalid (naming it)
         * @throws TokenStoreException      if there is no key (and plaintext is not allowed), or
         *                                  the database cannot be opened or migrated
         */
        public JdbcTokenStore build() {
            JdbcTokenStore store = null;
            try {
                JdbcSettings settings = JdbcSettings.from(options);
                BreakerSettings breaker = BreakerSettings.from(options);
                TokenCipher cipher = TokenCipher.fromOptions(options);
                store = new JdbcTokenStore(this, settings, breaker, cipher);
                store.opening.run();
                return store;
            } catch (RuntimeException | Error e) {
                if (store != null) {
                    store.close();
                } else {
                    source.close();
                }
                throw e;
            }
        }
    }
}
