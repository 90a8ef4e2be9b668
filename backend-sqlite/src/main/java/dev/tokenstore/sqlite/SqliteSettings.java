package dev.tokenstore.sqlite;

import dev.tokenstore.TokenStoreOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** The SQLite backend's options: the database file from the URL, {@code sqlite.*} properties. */
final class SqliteSettings {
    static final String PREFIX = "jdbc:sqlite:";
    static final String SYNCHRONOUS = "sqlite.synchronous";
    static final String BUSY_TIMEOUT_MS = "sqlite.busyTimeoutMs";
    static final int DEFAULT_BUSY_TIMEOUT_MS = 5_000;
    static final String CACHE_SIZE_KB = "sqlite.cacheSizeKb";
    static final int DEFAULT_CACHE_SIZE_KB = 65_536;
    private static final Set<String> SYNCHRONOUS_MODES = Set.of("NORMAL", "FULL", "EXTRA");

    final Path file;
    final String synchronous;
    final int busyTimeoutMs;
    final int readers;
    final int cacheSizeKb;

    private SqliteSettings(Path file, String synchronous, int busyTimeoutMs, int readers, int cacheSizeKb) {
        this.file = file;
        this.synchronous = synchronous;
        this.busyTimeoutMs = busyTimeoutMs;
        this.readers = readers;
        this.cacheSizeKb = cacheSizeKb;
    }

    static SqliteSettings from(TokenStoreOptions options) {
        String url = options.url();
        if (url == null || !url.startsWith(PREFIX)) {
            throw new IllegalArgumentException("url must start with " + PREFIX + ", was " + url);
        }
        String synchronous = options.property(SYNCHRONOUS).orElse("NORMAL").trim().toUpperCase(Locale.ROOT);
        if (!SYNCHRONOUS_MODES.contains(synchronous)) {
            throw new IllegalArgumentException("property " + SYNCHRONOUS + " must be NORMAL, FULL or EXTRA, was '"
                    + options.property(SYNCHRONOUS).orElse("") + "'");
        }
        int busy = options.intProperty(BUSY_TIMEOUT_MS, DEFAULT_BUSY_TIMEOUT_MS);
        if (busy < 0) {
            throw new IllegalArgumentException("property " + BUSY_TIMEOUT_MS + " must not be negative, was " + busy);
        }
        int cache = options.intProperty(CACHE_SIZE_KB, DEFAULT_CACHE_SIZE_KB);
        if (cache < 64) {
            throw new IllegalArgumentException("property " + CACHE_SIZE_KB + " must be at least 64, was " + cache);
        }
        return new SqliteSettings(file(url), synchronous, busy, options.poolSize(), cache);
    }

    /** The database file named by a {@code jdbc:sqlite:} URL (an optional {@code file:} and query string stripped). */
    static Path file(String url) {
        String rest = url.substring(PREFIX.length());
        int query = rest.indexOf('?');
        String params = query < 0 ? "" : rest.substring(query + 1);
        String path = query < 0 ? rest : rest.substring(0, query);
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
        }
        if (path.isBlank() || path.equals(":memory:") || path.startsWith(":memory:")
                || params.toLowerCase(Locale.ROOT).contains("mode=memory")) {
            throw new IllegalArgumentException("url: in-memory SQLite databases are not supported (every connection "
                    + "would see a database of its own); give a file, e.g. jdbc:sqlite:./tokenstore.db, "
                    + "or use the memory: store");
        }
        return Path.of(path).toAbsolutePath().normalize();
    }
}
