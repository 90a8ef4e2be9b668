package dev.tokenstore.h2;

import dev.tokenstore.TokenStoreOptions;
import java.util.Locale;
import java.util.UUID;

/** The H2 backend's options, read from {@link TokenStoreOptions} and validated; builds the URL H2 opens. */
final class H2Settings {
    static final String LOCK_TIMEOUT = "h2.lockTimeoutMillis";
    static final int DEFAULT_LOCK_TIMEOUT_MILLIS = 10_000;
    private static final String MEM_PREFIX = "jdbc:h2:mem:";

    final String url;
    final String description;
    final boolean inMemory;

    private H2Settings(String url, String description, boolean inMemory) {
        this.url = url;
        this.description = description;
        this.inMemory = inMemory;
    }

    static H2Settings from(TokenStoreOptions options) {
        int lockTimeout = options.intProperty(LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT_MILLIS);
        if (lockTimeout < 0) {
            throw new IllegalArgumentException("property " + LOCK_TIMEOUT + " must not be negative, was " + lockTimeout);
        }
        if (options.dataSource() != null) {
            return new H2Settings(null, "h2 data source " + options.dataSource().getClass().getName(), false);
        }
        String given = options.url();
        if (given == null || !given.regionMatches(true, 0, H2TokenStoreProvider.URL_PREFIX, 0,
                H2TokenStoreProvider.URL_PREFIX.length())) {
            throw new IllegalArgumentException("url must start with " + H2TokenStoreProvider.URL_PREFIX
                    + " (or set a dataSource), was '" + (given == null ? null : dev.tokenstore.Urls.redact(given)) + "'");
        }
        String url = given;
        boolean inMemory = url.regionMatches(true, 0, MEM_PREFIX, 0, MEM_PREFIX.length());
        if (inMemory && (url.length() == MEM_PREFIX.length() || url.charAt(MEM_PREFIX.length()) == ';')) {
            // An unnamed in-memory database is private to one connection; the store's pool needs a name.
            url = MEM_PREFIX + "tokenstore-" + UUID.randomUUID() + url.substring(MEM_PREFIX.length());
        }
        if (!url.toUpperCase(Locale.ROOT).contains(";LOCK_TIMEOUT=")) {
            url = url + ";LOCK_TIMEOUT=" + lockTimeout;
        }
        return new H2Settings(url, dev.tokenstore.Urls.redact(given), inMemory);
    }
}
