package dev.tokenstore.sqlite;

import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Base of the tests: a fresh database file per test, stores opened through discovery and closed after. */
abstract class SqliteFixture extends StoreFixture {
    static final byte[] KEY = "sqlite-backend-test-key-32-bytes".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("tokens.db");
    }

    String url() {
        return "jdbc:sqlite:" + file();
    }

    @Override
    protected TokenStoreOptions.Builder options() {
        return TokenStoreOptions.builder().url(url()).clock(clock).encryptionKey(KEY);
    }
}
