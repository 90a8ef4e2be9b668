package dev.tokenstore.h2;

import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

/** Base of the H2 tests: a fresh file database per test, stores opened through discovery and closed after. */
abstract class H2Fixture extends StoreFixture {
    static final byte[] KEY = "h2-backend-test-key-of-32-bytes!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    String url() {
        return "jdbc:h2:" + dir.resolve("tokens");
    }

    @Override
    protected TokenStoreOptions.Builder options() {
        return TokenStoreOptions.builder().url(url()).clock(clock).encryptionKey(KEY);
    }

    /** A plain JDBC connection to the test database, to look at what the store wrote. */
    Connection jdbc() throws SQLException {
        return DriverManager.getConnection(url(), "", "");
    }
}
