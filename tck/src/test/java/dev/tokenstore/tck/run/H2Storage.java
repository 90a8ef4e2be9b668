package dev.tokenstore.tck.run;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.tck.TestStorage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A fresh H2 file database in its own temporary directory; raw bytes are a dump of every table. */
final class H2Storage implements TestStorage {
    private final TempDirectory dir = new TempDirectory("tck-h2");
    private final String url = "jdbc:h2:file:" + dir.resolve("tokens");

    @Override
    public TokenStore open(TokenStoreOptions options) {
        return TokenStores.open(options.toBuilder().url(url).build());
    }

    /** A connection of its own to the database (for tests that change the schema). */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Override
    public Optional<byte[]> rawBytes() {
        try (Connection c = DriverManager.getConnection(url)) {
            return Optional.of(JdbcRawAccess.dump(c, "PUBLIC"));
        } catch (SQLException e) {
            throw new IllegalStateException("could not read " + url, e);
        }
    }

    @Override
    public Optional<Integer> corruptEncryptedValues() {
        try (Connection c = DriverManager.getConnection(url)) {
            return Optional.of(JdbcRawAccess.corruptEncrypted(c, "PUBLIC"));
        } catch (SQLException e) {
            throw new IllegalStateException("could not tamper with " + url, e);
        }
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenRows() {
        try (Connection c = DriverManager.getConnection(url)) {
            return Optional.of(JdbcRawAccess.swapBetweenRows(c, "PUBLIC"));
        } catch (SQLException e) {
            throw new IllegalStateException("could not swap values in " + url, e);
        }
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenColumns() {
        try (Connection c = DriverManager.getConnection(url)) {
            return Optional.of(JdbcRawAccess.swapBetweenColumns(c, "PUBLIC"));
        } catch (SQLException e) {
            throw new IllegalStateException("could not swap values in " + url, e);
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
