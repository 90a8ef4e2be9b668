package dev.tokenstore.jdbc;

import dev.tokenstore.TokenStoreOptions;
import java.util.regex.Pattern;

/** The engine's own options, read from {@link TokenStoreOptions#properties()} and validated. */
final class JdbcSettings {
    static final String TABLE_PREFIX = "jdbc.tablePrefix";
    static final String CLEANUP_CHUNK_SIZE = "jdbc.cleanupChunkSize";
    static final String MAX_RETRIES = "jdbc.maxRetries";
    static final String CHANGE_FEED = "jdbc.changeFeed";
    static final String CHANGE_POLL_MILLIS = "jdbc.changePollMillis";
    static final String CHANGE_RETENTION_SECONDS = "jdbc.changeLogRetentionSeconds";
    /**
     * {@code accept} (default) or {@code refuse} values of encryption format 1, which are bound to
     * their key id only, not to their row: once re-encryption has upgraded every stored value, an
     * operator turns this to {@code refuse} so that a format-1 value copied in from an old dump or
     * backup (into another row, where format 2 would catch it) fails instead of reading back.
     */
    static final String UNBOUND_VALUES = "jdbc.unboundValues";
    static final String DEFAULT_TABLE_PREFIX = "tokenstore_";
    static final int DEFAULT_CHANGE_POLL_MILLIS = 50;
    static final int DEFAULT_CHANGE_RETENTION_SECONDS = 600;
    static final int DEFAULT_CLEANUP_CHUNK_SIZE = 5_000;
    static final int DEFAULT_MAX_RETRIES = 3;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{0,40}");

    final String tablePrefix;
    final int cleanupChunkSize;
    final int maxRetries;
    final boolean changeFeed;
    final int changePollMillis;
    final int changeRetentionSeconds;
    final boolean refuseUnboundValues;

    private JdbcSettings(String tablePrefix, int cleanupChunkSize, int maxRetries, boolean changeFeed,
                         int changePollMillis, int changeRetentionSeconds, boolean refuseUnboundValues) {
        this.refuseUnboundValues = refuseUnboundValues;
        this.changeFeed = changeFeed;
        this.tablePrefix = tablePrefix;
        this.cleanupChunkSize = cleanupChunkSize;
        this.maxRetries = maxRetries;
        this.changePollMillis = changePollMillis;
        this.changeRetentionSeconds = changeRetentionSeconds;
    }

    static JdbcSettings from(TokenStoreOptions options) {
        String prefix = options.property(TABLE_PREFIX).orElse(DEFAULT_TABLE_PREFIX);
        if (!IDENTIFIER.matcher(prefix).matches()) {
            throw new IllegalArgumentException("property " + TABLE_PREFIX
                    + " may hold only letters, digits and '_' (at most 40), was '" + prefix + "'");
        }
        if (!prefix.isEmpty() && Character.isDigit(prefix.charAt(0))) {
            throw new IllegalArgumentException("property " + TABLE_PREFIX + " must not start with a digit, was '"
                    + prefix + "'");
        }
        int chunk = options.intProperty(CLEANUP_CHUNK_SIZE, DEFAULT_CLEANUP_CHUNK_SIZE);
        if (chunk < 1) {
            throw new IllegalArgumentException("property " + CLEANUP_CHUNK_SIZE + " must be at least 1, was " + chunk);
        }
        int retries = options.intProperty(MAX_RETRIES, DEFAULT_MAX_RETRIES);
        if (retries < 0) {
            throw new IllegalArgumentException("property " + MAX_RETRIES + " must not be negative, was " + retries);
        }
        int poll = options.intProperty(CHANGE_POLL_MILLIS, DEFAULT_CHANGE_POLL_MILLIS);
        if (poll < 1) {
            throw new IllegalArgumentException("property " + CHANGE_POLL_MILLIS + " must be at least 1, was " + poll);
        }
        int retention = options.intProperty(CHANGE_RETENTION_SECONDS, DEFAULT_CHANGE_RETENTION_SECONDS);
        if (retention < 1) {
            throw new IllegalArgumentException("property " + CHANGE_RETENTION_SECONDS + " must be at least 1, was "
                    + retention);
        }
        String feed = options.property(CHANGE_FEED).map(String::trim).orElse("on");
        if (!feed.equals("on") && !feed.equals("off")) {
            throw new IllegalArgumentException("property " + CHANGE_FEED + " must be 'on' or 'off', was '" + feed + "'");
        }
        String unbound = options.property(UNBOUND_VALUES).map(String::trim).orElse("accept");
        if (!unbound.equals("accept") && !unbound.equals("refuse")) {
            throw new IllegalArgumentException("property " + UNBOUND_VALUES + " must be 'accept' or 'refuse', was '"
                    + unbound + "'");
        }
        return new JdbcSettings(prefix.toLowerCase(java.util.Locale.ROOT), chunk, retries, feed.equals("on"), poll,
                retention, unbound.equals("refuse"));
    }
}
