package dev.tokenstore.sqlite;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStoreProvider;
import dev.tokenstore.jdbc.JdbcTokenStore;
import java.util.Optional;

/**
 * Backend {@code sqlite}: a {@link JdbcTokenStore} on one SQLite file (xerial sqlite-jdbc) for
 * URLs {@code jdbc:sqlite:<path>}; the embedded default is {@code jdbc:sqlite:./tokenstore.db}.
 *
 * <p>The file is in WAL mode with a busy timeout ({@code sqlite.busyTimeoutMs}, default 5000) and
 * {@code synchronous=NORMAL} (or {@code sqlite.synchronous=FULL}/{@code EXTRA} for commits that
 * survive power loss). Readers run concurrently; writers of one store are serialized on one
 * connection; several stores or processes on the same file coordinate through SQLite's locks
 * ({@code BEGIN IMMEDIATE}) and keep every guarantee, one-time consume included. An unusable
 * path, a file that is not a database or a lock held past the busy timeout fails with a
 * {@link dev.tokenstore.TokenStoreException} naming the file.
 */
public final class SqliteTokenStoreProvider implements TokenStoreProvider {
    /** The URL prefix this provider accepts. */
    public static final String URL_PREFIX = SqliteSettings.PREFIX;
    /** The database opened when nothing is configured. */
    public static final String EMBEDDED_DEFAULT_URL = "jdbc:sqlite:./tokenstore.db";

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public boolean accepts(String url) {
        return url != null && url.startsWith(URL_PREFIX);
    }

    /** False: SQLite opens its own connections to the file (one writer, in-process), given only its URL. */
    @Override
    public boolean usesDataSource() {
        return false;
    }

    @Override
    public Optional<String> embeddedDefaultUrl() {
        return Optional.of(EMBEDDED_DEFAULT_URL);
    }

    /**
     * Opens (creating if needed) the database file of {@code options.url()}.
     *
     * @throws IllegalArgumentException if the URL names an in-memory database, a property is
     *                                  invalid, or a {@code dataSource} is given (SQLite opens its
     *                                  own connections)
     * @throws dev.tokenstore.TokenStoreException if the file cannot be created, opened or migrated
     */
    @Override
    public TokenStore open(TokenStoreOptions options) {
        if (options.dataSource() != null) {
            throw new IllegalArgumentException("dataSource is not supported by the sqlite backend: it opens its own "
                    + "connections to serialize writers; give the file in the url instead");
        }
        SqliteSettings settings = SqliteSettings.from(options);
        SqliteFiles.checkUsable(settings.file);
        SqliteConnectionSource source = new SqliteConnectionSource(options.url(), settings);
        return JdbcTokenStore.builder(options, new SqliteDialect(), source)
                .name("tokenstore sqlite " + settings.file)
                .build();
    }
}
