package dev.tokenstore.tck.run;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.tck.TestStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A fresh SQLite database file in its own temporary directory; raw bytes are the file and its WAL. */
final class SqliteStorage implements TestStorage {
    private final TempDirectory dir = new TempDirectory("tck-sqlite");
    private final Path file = dir.resolve("tokens.db");

    @Override
    public TokenStore open(TokenStoreOptions options) {
        return TokenStores.open(options.toBuilder().url("jdbc:sqlite:" + file).build());
    }

    /** A connection of its own to the database file (for tests that change the schema). */
    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    @Override
    public Optional<byte[]> rawBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String suffix : new String[] {"", "-wal"}) {
            Path p = Path.of(file + suffix);
            try {
                if (Files.exists(p)) {
                    out.writeBytes(Files.readAllBytes(p));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.of(out.toByteArray());
    }

    @Override
    public Optional<Integer> corruptEncryptedValues() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            return Optional.of(JdbcRawAccess.corruptEncrypted(c, null));
        } catch (SQLException e) {
            throw new IllegalStateException("could not tamper with " + file, e);
        }
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenRows() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            return Optional.of(JdbcRawAccess.swapBetweenRows(c, null));
        } catch (SQLException e) {
            throw new IllegalStateException("could not swap values in " + file, e);
        }
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenColumns() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            return Optional.of(JdbcRawAccess.swapBetweenColumns(c, null));
        } catch (SQLException e) {
            throw new IllegalStateException("could not swap values in " + file, e);
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
        return Optional.of(b -> b.property("jdbc.changePollMillis", "3600000"));
    }

    @Override
    public void close() {
        dir.close();
    }
}
