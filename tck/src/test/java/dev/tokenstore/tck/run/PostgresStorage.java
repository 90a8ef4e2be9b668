package dev.tokenstore.tck.run;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.tck.TestStorage;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A fresh schema on the JVM's one PostgreSQL server (embedded, or {@code TOKENSTORE_POSTGRES_URL});
 * raw bytes are a dump of every table in the schema.
 */
final class PostgresStorage implements TestStorage {
    /** The embedded server the "database unavailable" group stops and starts; started on first use. */
    private static PostgresTestServer restartable;

    private final TestSchema schema;
    private final boolean canStop;

    private PostgresStorage(PostgresTestServer server, boolean canStop) {
        this.schema = server.createSchema();
        this.canStop = canStop;
    }

    PostgresStorage() {
        this(PostgresTestServer.shared(), false);
    }

    /**
     * A schema on a second embedded server of this JVM that may be stopped and started again on the
     * same port and data directory (the shared server is never stopped: other tests use it). With
     * {@value PostgresTestServer#URL_ENV} set there is no server of our own: the shared one, not stoppable.
     */
    static PostgresStorage restartable() {
        if (PostgresTestServer.usesExternalServer()) {
            return new PostgresStorage();
        }
        synchronized (PostgresStorage.class) {
            if (restartable == null) {
                PostgresTestServer server = PostgresTestServer.startEmbedded(Map.of());
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tokenstore-pg-restartable-shutdown"));
                restartable = server;
            }
            restartable.start();
            return new PostgresStorage(restartable, true);
        }
    }

    @Override
    public TokenStore open(TokenStoreOptions options) {
        TokenStoreOptions.Builder b = schema.configure(options.toBuilder()).poolSize(4);
        if (canStop) {
            // refused connections then fail after 1 s instead of the default 3 s, to keep the group short
            b.property("postgres.connectTimeoutSeconds", "1");
        }
        return TokenStores.open(b.build());
    }

    @Override
    public boolean canStopDatabase() {
        return canStop;
    }

    @Override
    public void stopDatabase() {
        requireStoppable();
        schema.server().stop();
    }

    @Override
    public void startDatabase() {
        requireStoppable();
        schema.server().start();
    }

    private void requireStoppable() {
        if (!canStop) {
            throw new UnsupportedOperationException("this storage is on the shared server, which is never stopped");
        }
    }

    /** A connection of its own to the server, with the test schema first on the search path. */
    Connection connect() throws SQLException {
        Connection c = schema.server().connect();
        c.setSchema(schema.name());
        return c;
    }

    @Override
    public Optional<byte[]> rawBytes() {
        try (Connection c = schema.server().connect()) {
            return Optional.of(JdbcRawAccess.dump(c, schema.name()));
        } catch (SQLException e) {
            throw new IllegalStateException("could not read " + schema, e);
        }
    }

    @Override
    public Optional<Integer> corruptEncryptedValues() {
        try (Connection c = schema.server().connect()) {
            return Optional.of(JdbcRawAccess.corruptEncrypted(c, schema.name()));
        } catch (SQLException e) {
            throw new IllegalStateException("could not tamper with " + schema, e);
        }
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenRows() {
        try (Connection c = schema.server().connect()) {
            return Optional.of(JdbcRawAccess.swapBetweenRows(c, schema.name()));
        } catch (SQLException e) {
            throw new IllegalStateException("could not swap values in " + schema, e);
        }
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenColumns() {
        try (Connection c = schema.server().connect()) {
            return Optional.of(JdbcRawAccess.swapBetweenColumns(c, schema.name()));
        } catch (SQLException e) {
            throw new IllegalStateException("could not swap values in " + schema, e);
        }
    }

    @Override
    public boolean writePreviousFormat(TokenStoreOptions options, java.util.List<dev.tokenstore.StoredSession> sessions,
            java.util.List<dev.tokenstore.ClientRecord> clients, java.util.List<dev.tokenstore.StateRecord> states,
            java.util.List<dev.tokenstore.AuthCodeRecord> codes) {
        try (TokenStore store = open(options)) {
            dev.tokenstore.jdbc.PreviousFormat.writeVersion2(store, sessions, clients, states, codes);
        }
        return true;
    }

    /** A feed that checks in once an hour: it confirms at the start, then goes silent. */
    @Override
    public Optional<UnaryOperator<TokenStoreOptions.Builder>> silencedChangeFeed() {
        return Optional.of(b -> b.property("postgres.changeHeartbeatMillis", "3600000"));
    }

    @Override
    public void close() {
        if (canStop) {
            schema.server().start(); // a test that failed half-way may have left it stopped
        }
        schema.close();
    }
}
