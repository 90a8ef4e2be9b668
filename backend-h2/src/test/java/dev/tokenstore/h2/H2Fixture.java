package dev.tokenstore.h2;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.testing.TestClock;
import dev.tokenstore.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of the H2 tests: a fresh file database per test, stores opened through discovery and closed after. */
abstract class H2Fixture {
    static final byte[] KEY = "h2-backend-test-key-of-32-bytes!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    final TestClock clock = new TestClock();
    final TestRecords data = new TestRecords(clock);
    private final List<TokenStore> opened = new ArrayList<>();

    String url() {
        return "jdbc:h2:" + dir.resolve("tokens");
    }

    TokenStoreOptions.Builder options() {
        return TokenStoreOptions.builder().url(url()).clock(clock).encryptionKey(KEY);
    }

    TokenStore open() {
        return open(b -> b);
    }

    TokenStore open(UnaryOperator<TokenStoreOptions.Builder> adjust) {
        TokenStore store = TokenStores.open(adjust.apply(options()).build());
        synchronized (opened) {
            opened.add(store);
        }
        return store;
    }

    /** A plain JDBC connection to the test database, to look at what the store wrote. */
    Connection jdbc() throws SQLException {
        return DriverManager.getConnection(url(), "", "");
    }

    @AfterEach
    void closeStores() {
        synchronized (opened) {
            opened.forEach(TokenStore::close);
            opened.clear();
        }
    }
}
