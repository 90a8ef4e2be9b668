package dev.tokenstore.sqlite;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.testing.TestClock;
import dev.tokenstore.testing.TestRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Base of the tests: a fresh database file per test, stores opened through discovery and closed after. */
abstract class SqliteFixture {
    static final byte[] KEY = "sqlite-backend-test-key-32-bytes".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    final TestClock clock = new TestClock();
    final TestRecords data = new TestRecords(clock);
    private final List<TokenStore> opened = new ArrayList<>();

    Path file() {
        return dir.resolve("tokens.db");
    }

    String url() {
        return "jdbc:sqlite:" + file();
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

    @AfterEach
    void closeStores() {
        synchronized (opened) {
            opened.forEach(TokenStore::close);
            opened.clear();
        }
    }
}
