package dev.tokenstore.hsqldb;

import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.Urls;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * The HSQLDB backend's options, read from {@link TokenStoreOptions} and validated: the URL HSQLDB
 * opens (in-process databases only, closed when the last connection closes), the key that
 * identifies the database within this JVM (its writers share one lock), and the write delay.
 */
final class HsqldbSettings {
    static final String WRITE_DELAY = "hsqldb.writeDelayMillis";
    private static final String MEM = "mem:";
    private static final String FILE = "file:";
    private static final String[] NOT_IN_PROCESS = {"hsql:", "hsqls:", "http:", "https:", "res:"};

    final String url;
    final String description;
    /** Same value for every URL of one database in this JVM; null for a caller's data source. */
    final String databaseKey;
    final boolean inMemory;
    /** {@code SET FILES WRITE DELAY} to apply on open, or -1 to keep the database's own. */
    final int writeDelayMillis;

    private HsqldbSettings(String url, String description, String databaseKey, boolean inMemory,
                           int writeDelayMillis) {
        this.url = url;
        this.description = description;
        this.databaseKey = databaseKey;
        this.inMemory = inMemory;
        this.writeDelayMillis = writeDelayMillis;
    }

    static HsqldbSettings from(TokenStoreOptions options) {
        int writeDelay = options.intProperty(WRITE_DELAY, -1);
        if (writeDelay < -1) {
            throw new IllegalArgumentException("property " + WRITE_DELAY + " must not be negative, was " + writeDelay);
        }
        if (options.dataSource() != null) {
            return new HsqldbSettings(null, "hsqldb data source " + options.dataSource().getClass().getName(), null,
                    false, writeDelay);
        }
        String given = options.url();
        String prefix = HsqldbTokenStoreProvider.URL_PREFIX;
        if (given == null || !given.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new IllegalArgumentException("url must start with " + prefix + " (or set a dataSource), was '"
                    + Urls.redact(given) + "'");
        }
        String rest = given.substring(prefix.length());
        String lower = rest.toLowerCase(Locale.ROOT);
        for (String kind : NOT_IN_PROCESS) {
            if (lower.startsWith(kind)) {
                throw new IllegalArgumentException("url: only in-process HSQLDB databases (jdbc:hsqldb:file:… or "
                        + "jdbc:hsqldb:mem:…) are supported, was '" + Urls.redact(given) + "'");
            }
        }
        int semicolon = rest.indexOf(';');
        String database = semicolon < 0 ? rest : rest.substring(0, semicolon);
        String properties = semicolon < 0 ? "" : rest.substring(semicolon);
        boolean inMemory = lower.startsWith(MEM);
        String key;
        if (inMemory) {
            String name = database.substring(MEM.length());
            if (name.isEmpty()) { // the unnamed mem: database is shared JVM-wide; give this store its own
                name = "tokenstore-" + UUID.randomUUID();
            }
            database = MEM + name;
            key = MEM + name.toLowerCase(Locale.ROOT);
        } else {
            String path = lower.startsWith(FILE) ? database.substring(FILE.length()) : database;
            if (path.isBlank()) {
                throw new IllegalArgumentException("url names no database file, was '" + Urls.redact(given) + "'");
            }
            if (path.startsWith("~")) {
                path = System.getProperty("user.home") + path.substring(1);
            }
            key = FILE + Path.of(path).toAbsolutePath().normalize();
        }
        // shutdown=true: the database closes (and checkpoints) when its last connection closes.
        if (!properties.toLowerCase(Locale.ROOT).contains(";shutdown=")) {
            properties = properties + ";shutdown=true";
        }
        return new HsqldbSettings(prefix + database + properties, Urls.redact(given), key, inMemory, writeDelay);
    }
}
