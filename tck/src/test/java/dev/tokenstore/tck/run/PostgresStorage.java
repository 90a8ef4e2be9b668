package dev.tokenstore.tck.run;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.tck.TestStorage;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A fresh schema on the JVM's one PostgreSQL server (embedded, or {@code TOKENSTORE_POSTGRES_URL});
 * raw bytes are a dump of every table in the schema.
 */
final class PostgresStorage implements TestStorage {
    private final TestSchema schema = PostgresTestServer.shared().createSchema();

    @Override
    public TokenStore open(TokenStoreOptions options) {
        return TokenStores.open(schema.configure(options.toBuilder()).poolSize(4).build());
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

    /** A feed that checks in once an hour: it confirms at the start, then goes silent. */
    @Override
    public Optional<UnaryOperator<TokenStoreOptions.Builder>> silencedChangeFeed() {
        return Optional.of(b -> b.property("postgres.changeHeartbeatMillis", "3600000"));
    }

    @Override
    public void close() {
        schema.close();
    }
}
