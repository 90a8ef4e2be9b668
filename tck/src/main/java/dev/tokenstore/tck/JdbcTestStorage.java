package dev.tokenstore.tck;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.jdbc.PreviousFormat;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Ready-made {@link TestStorage} for a backend reached through a JDBC URL, so that a backend's
 * whole kit run is a few lines:
 * <pre>{@code
 * protected TestStorage newStorage() {
 *     return JdbcTestStorage.inTempDirectory(dir -> "jdbc:mydb:" + dir.resolve("tokens"));
 * }
 * }</pre>
 * Two kinds, both opening stores with {@link TokenStores#open} on the URL (the kit's clock and
 * keys kept):
 * <ul>
 *   <li>{@link #inTempDirectory}: an embedded database in a fresh temporary directory; its raw
 *   bytes are every file under the directory, and {@link #close()} deletes the directory;</li>
 *   <li>{@link #atUrl}: a database on a server; its raw bytes are a dump of every table, and
 *   {@link #close()} runs the given schema drop.</li>
 * </ul>
 * Tampering ({@link #corruptEncryptedValues()}, {@link #swapEncryptedValuesBetweenRows()},
 * {@link #swapEncryptedValuesBetweenColumns()}) goes through a plain JDBC connection to the URL,
 * as someone holding the database would. {@link #writePreviousFormat} is for backends built on
 * {@code tokenstore-jdbc} (it goes through that engine's {@code PreviousFormat}, so
 * {@code tokenstore-jdbc} must be on the test classpath, as it is for every such backend). {@link #silencedChangeFeed()} is, for
 * {@link #inTempDirectory}, {@link #CHANGE_LOG_SILENCED} (the {@code tokenstore-jdbc} change-log
 * feed polled once an hour); give another with {@link #silencedChangeFeed(UnaryOperator)}.
 */
public final class JdbcTestStorage implements TestStorage {
    /**
     * Options under which a {@code tokenstore-jdbc} store's polled change log confirms once and then
     * stays silent: a poll interval of an hour.
     */
    public static final UnaryOperator<TokenStoreOptions.Builder> CHANGE_LOG_SILENCED =
            b -> b.property("jdbc.changePollMillis", "3600000");

    private final String url;
    private final TempDirectory directory;
    private final Runnable drop;
    private String user;
    private String password;
    private String schema;
    private boolean dumpTables;
    private UnaryOperator<TokenStoreOptions.Builder> adjust = b -> b;
    private UnaryOperator<TokenStoreOptions.Builder> silenced;
    private Runnable stop;
    private Runnable start;

    private JdbcTestStorage(String url, TempDirectory directory, Runnable drop) {
        this.url = url;
        this.directory = directory;
        this.drop = drop;
        this.dumpTables = directory == null;
        this.silenced = directory == null ? null : CHANGE_LOG_SILENCED;
    }

    /**
     * A database in a fresh temporary directory, at the URL {@code urlOf} makes from the directory.
     * A URL that is not {@code jdbc:} can still be opened and read, but not tampered with.
     */
    public static JdbcTestStorage inTempDirectory(Function<Path, String> urlOf) {
        TempDirectory dir = new TempDirectory("tokenstore-tck");
        try {
            return new JdbcTestStorage(Objects.requireNonNull(urlOf.apply(dir.path()), "url"), dir, null);
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /** A database (typically a fresh schema) at {@code url}; {@code dropSchema} removes it on {@link #close()}. */
    public static JdbcTestStorage atUrl(String url, Runnable dropSchema) {
        return new JdbcTestStorage(Objects.requireNonNull(url, "url"), null,
                Objects.requireNonNull(dropSchema, "dropSchema"));
    }

    /** User and password for the stores and for the plain JDBC connection (default: none given). */
    public JdbcTestStorage credentials(String userName, String userPassword) {
        this.user = userName;
        this.password = userPassword;
        return this;
    }

    /** The schema whose tables are dumped and tampered with (default: every schema's user tables). */
    public JdbcTestStorage schema(String schemaName) {
        this.schema = schemaName;
        return this;
    }

    /**
     * More options for every store opened, e.g. {@code b -> b.poolSize(4)} or a backend property;
     * applied after those given before.
     */
    public JdbcTestStorage options(UnaryOperator<TokenStoreOptions.Builder> more) {
        Objects.requireNonNull(more, "options");
        UnaryOperator<TokenStoreOptions.Builder> before = adjust;
        this.adjust = b -> more.apply(before.apply(b));
        return this;
    }

    /** The options that silence this backend's change feed (see {@link TestStorage#silencedChangeFeed()}). */
    public JdbcTestStorage silencedChangeFeed(UnaryOperator<TokenStoreOptions.Builder> silencing) {
        this.silenced = Objects.requireNonNull(silencing, "silencing");
        return this;
    }

    /**
     * How to stop the database under open stores and start it again with its data (a server), for
     * the "database unavailable" kit group; see {@link TestStorage#canStopDatabase()}.
     */
    public JdbcTestStorage stoppable(Runnable stopDatabase, Runnable startDatabase) {
        this.stop = Objects.requireNonNull(stopDatabase, "stopDatabase");
        this.start = Objects.requireNonNull(startDatabase, "startDatabase");
        return this;
    }

    /** Raw bytes are a dump of every table, not the files (for engines that compress their files). */
    public JdbcTestStorage rawBytesFromTables() {
        this.dumpTables = true;
        return this;
    }

    /** The temporary directory, or null for {@link #atUrl}. */
    public Path directory() {
        return directory == null ? null : directory.path();
    }

    /** The URL stores are opened on. */
    public String url() {
        return url;
    }

    @Override
    public TokenStore open(TokenStoreOptions options) {
        TokenStoreOptions.Builder b = options.toBuilder().url(url);
        if (user != null) {
            b.user(user).password(password);
        }
        return TokenStores.open(adjust.apply(b).build());
    }

    @Override
    public Optional<byte[]> rawBytes() {
        if (!dumpTables) {
            return Optional.of(directory.readAllFiles());
        }
        try (Connection c = connect()) {
            return Optional.of(JdbcRawAccess.dump(c, schema));
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the tables at " + url, e);
        }
    }

    @Override
    public Optional<Integer> corruptEncryptedValues() {
        return tamper(c -> JdbcRawAccess.corruptEncrypted(c, schema));
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenRows() {
        return tamper(c -> JdbcRawAccess.swapBetweenRows(c, schema));
    }

    @Override
    public Optional<Integer> swapTokenHashesBetweenRows() {
        return tamper(c -> JdbcRawAccess.swapTokenHashes(c, schema));
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenColumns() {
        return tamper(c -> JdbcRawAccess.swapBetweenColumns(c, schema));
    }

    /**
     * Opens a store with {@code options}, has {@code tokenstore-jdbc}'s {@code PreviousFormat} turn
     * its database into what the release {@code stepsBack} back wrote (1: schema version 3, 2:
     * schema version 2) holding the given records, and closes it.
     *
     * @throws IllegalArgumentException if the backend's stores are not {@code tokenstore-jdbc} stores
     */
    @Override
    public boolean writeEarlierFormat(int stepsBack, TokenStoreOptions options, List<StoredSession> sessions,
                                      List<ClientRecord> clients, List<StateRecord> states,
                                      List<AuthCodeRecord> codes) {
        if (stepsBack < 1 || stepsBack > 2) {
            return false;
        }
        try (TokenStore store = open(options)) {
            return PreviousFormat.writeEarlierFormat(store, stepsBack, options, sessions, clients, states, codes);
        }
    }

    private Optional<Integer> tamper(SqlChange change) {
        if (!url.startsWith("jdbc:")) {
            return Optional.empty();
        }
        try (Connection c = connect()) {
            return Optional.of(change.apply(c));
        } catch (SQLException e) {
            throw new IllegalStateException("could not tamper with the tables at " + url, e);
        }
    }

    @FunctionalInterface
    private interface SqlChange {
        int apply(Connection c) throws SQLException;
    }

    @Override
    public Optional<UnaryOperator<TokenStoreOptions.Builder>> silencedChangeFeed() {
        return Optional.ofNullable(silenced);
    }

    @Override
    public boolean canStopDatabase() {
        return stop != null;
    }

    @Override
    public void stopDatabase() {
        if (stop == null) {
            TestStorage.super.stopDatabase();
        }
        stop.run();
    }

    @Override
    public void startDatabase() {
        if (start == null) {
            TestStorage.super.startDatabase();
        }
        start.run();
    }

    /**
     * A plain JDBC connection of its own to the database (with the {@link #schema(String)} as its
     * current schema, if one was given), e.g. for a test that changes the schema.
     */
    public Connection connect() throws SQLException {
        Connection c = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
        if (schema != null) {
            try {
                c.setSchema(schema);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    @Override
    public void close() {
        if (directory != null) {
            directory.close();
        } else {
            drop.run();
        }
    }

    @Override
    public String toString() {
        return "JdbcTestStorage[" + (directory != null ? directory.path() : "at a URL") + "]";
    }
}
