package dev.tokenstore.tck.run;

import com.zaxxer.hikari.HikariDataSource;
import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.tck.JdbcTestStorage;
import dev.tokenstore.tck.TestStorage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A fresh PostgreSQL schema whose stores are opened as an application does it with the starter:
 * {@code TokenStores.open} with only the application's own pool ({@link AppPool}: auto-commit
 * off, REPEATABLE READ, {@value #POOL_SIZE} connections), no URL, so the backend is picked from
 * the pool's connection metadata. Each store gets a pool of its own, as each application
 * instance has; the pools close with the storage. Tampering and raw bytes go through a plain
 * connection to the schema, as for {@link PostgresTckTest}.
 */
final class AppPoolStorage implements TestStorage {
    static final int POOL_SIZE = 4;

    private final PostgresTestServer server;
    private final TestSchema schema;
    private final JdbcTestStorage plain;
    private final List<HikariDataSource> pools = new CopyOnWriteArrayList<>();

    private AppPoolStorage(PostgresTestServer server, TestSchema schema) {
        this.server = server;
        this.schema = schema;
        this.plain = JdbcTestStorage.atUrl(server.jdbcUrl(), schema::close)
                .credentials(server.user(), server.password()).schema(schema.name());
    }

    /** A fresh schema on the JVM's shared server. */
    static AppPoolStorage create() {
        PostgresTestServer server = PostgresTestServer.shared();
        return new AppPoolStorage(server, server.createSchema());
    }

    @Override
    public TokenStore open(TokenStoreOptions options) {
        HikariDataSource pool = AppPool.start(server.jdbcUrl(), server.user(), server.password(), schema.name(),
                POOL_SIZE, 0);
        pools.add(pool);
        return TokenStores.open(options.toBuilder().url(null).dataSource(pool).build());
    }

    @Override
    public Optional<byte[]> rawBytes() {
        return plain.rawBytes();
    }

    @Override
    public Optional<Integer> corruptEncryptedValues() {
        return plain.corruptEncryptedValues();
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenRows() {
        return plain.swapEncryptedValuesBetweenRows();
    }

    @Override
    public Optional<Integer> swapTokenHashesBetweenRows() {
        return plain.swapTokenHashesBetweenRows();
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenColumns() {
        return plain.swapEncryptedValuesBetweenColumns();
    }

    @Override
    public boolean writeEarlierFormat(int stepsBack, TokenStoreOptions options, List<StoredSession> sessions,
                                      List<ClientRecord> clients, List<StateRecord> states, List<AuthCodeRecord> codes) {
        if (stepsBack < 1 || stepsBack > 2) {
            return false;
        }
        try (TokenStore store = open(options)) {
            return dev.tokenstore.jdbc.PreviousFormat.writeEarlierFormat(store, stepsBack, options, sessions, clients, states, codes);
        }
    }

    @Override
    public Optional<UnaryOperator<TokenStoreOptions.Builder>> silencedChangeFeed() {
        return Optional.of(b -> b.property("postgres.changeHeartbeatMillis", "3600000"));
    }

    @Override
    public void close() {
        for (HikariDataSource pool : pools) {
            pool.close();
        }
        plain.close();
    }

    @Override
    public String toString() {
        return "AppPoolStorage[" + schema + "]";
    }
}
