package dev.tokenstore.postgres;

import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the PostgreSQL tests: the JVM's one {@link PostgresTestServer}, a fresh schema per
 * test, stores opened through discovery and closed (and the schema dropped) after the test.
 */
abstract class PostgresFixture extends StoreFixture {
    static final byte[] KEY = "pg-backend-test-key-of-32-bytes!".getBytes(StandardCharsets.US_ASCII);

    PostgresTestServer server;
    TestSchema schema;

    @BeforeEach
    void createSchema() {
        server = PostgresTestServer.shared();
        schema = server.createSchema();
    }

    @Override
    protected TokenStoreOptions.Builder options() {
        return schema.configure(TokenStoreOptions.builder()).clock(clock).encryptionKey(KEY);
    }

    long count(String table) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema.name() + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Closes the stores, then drops the schema (this runs before the base class closes anything). */
    @AfterEach
    void closeStoresAndDropSchema() throws Exception {
        closeOpened();
        schema.close();
    }
}
