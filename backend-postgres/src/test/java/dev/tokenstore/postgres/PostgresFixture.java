package dev.tokenstore.postgres;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.postgres.testing.PostgresTestServer;
import dev.tokenstore.postgres.testing.TestSchema;
import dev.tokenstore.testing.TestClock;
import dev.tokenstore.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the PostgreSQL tests: the JVM's one {@link PostgresTestServer}, a fresh schema per
 * test, stores opened through discovery and closed (and the schema dropped) after the test.
 */
abstract class PostgresFixture {
    static final byte[] KEY = "pg-backend-test-key-of-32-bytes!".getBytes(StandardCharsets.US_ASCII);

    final TestClock clock = new TestClock();
    final TestRecords data = new TestRecords(clock);
    PostgresTestServer server;
    TestSchema schema;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void createSchema() {
        server = PostgresTestServer.shared();
        schema = server.createSchema();
    }

    TokenStoreOptions.Builder options() {
        return schema.configure(TokenStoreOptions.builder()).clock(clock).encryptionKey(KEY);
    }

    TokenStore open() {
        return open(b -> b);
    }

    TokenStore open(UnaryOperator<TokenStoreOptions.Builder> adjust) {
        return track(TokenStores.open(adjust.apply(options()).build()));
    }

    <T extends AutoCloseable> T track(T resource) {
        synchronized (opened) {
            opened.add(resource);
        }
        return resource;
    }

    long count(String table) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema.name() + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @AfterEach
    void closeStoresAndDropSchema() throws Exception {
        synchronized (opened) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
            opened.clear();
        }
        schema.close();
    }
}
