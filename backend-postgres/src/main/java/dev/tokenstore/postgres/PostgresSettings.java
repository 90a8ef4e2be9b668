package dev.tokenstore.postgres;

import dev.tokenstore.TokenStoreOptions;
import java.util.Locale;
import java.util.regex.Pattern;

/** The PostgreSQL backend's {@code postgres.*} options, read from {@link TokenStoreOptions} and validated. */
final class PostgresSettings {
    static final String SCHEMA = "postgres.schema";
    static final String CONNECT_TIMEOUT = "postgres.connectTimeoutSeconds";
    static final String SOCKET_TIMEOUT = "postgres.socketTimeoutSeconds";
    static final String CHANGE_HEARTBEAT = "postgres.changeHeartbeatMillis";
    static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 3;
    static final int DEFAULT_CHANGE_HEARTBEAT_MILLIS = 100;
    static final int DEFAULT_SOCKET_TIMEOUT_SECONDS = 10;
    /** A plain, unquoted PostgreSQL identifier (at most 63 characters). */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final String schema;
    private final int connectTimeoutSeconds;
    private final int socketTimeoutSeconds;
    private final int changeHeartbeatMillis;

    private PostgresSettings(String schema, int connectTimeoutSeconds, int socketTimeoutSeconds,
                             int changeHeartbeatMillis) {
        this.schema = schema;
        this.connectTimeoutSeconds = connectTimeoutSeconds;
        this.socketTimeoutSeconds = socketTimeoutSeconds;
        this.changeHeartbeatMillis = changeHeartbeatMillis;
    }

    /**
     * @throws IllegalArgumentException naming the property that is invalid, or if a schema is
     *                                  asked for together with a caller's data source
     */
    static PostgresSettings from(TokenStoreOptions options) {
        String schema = options.property(SCHEMA).map(String::trim).orElse(null);
        if (schema != null) {
            if (!IDENTIFIER.matcher(schema).matches()) {
                throw new IllegalArgumentException("property " + SCHEMA + " must be a plain identifier (a letter or '_', "
                        + "then letters, digits or '_', at most 63), was '" + schema + "'");
            }
            // Unquoted identifiers are folded to lower case by PostgreSQL; do the same, once, here.
            schema = schema.toLowerCase(Locale.ROOT);
            if (options.dataSource() != null) {
                throw new IllegalArgumentException("property " + SCHEMA + " cannot be combined with a dataSource, which "
                        + "is used as given: set the schema on the data source (pgjdbc currentSchema) instead");
            }
        }
        int connect = options.intProperty(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT_SECONDS);
        if (connect < 1) {
            throw new IllegalArgumentException("property " + CONNECT_TIMEOUT + " must be at least 1, was " + connect);
        }
        int socket = options.intProperty(SOCKET_TIMEOUT, DEFAULT_SOCKET_TIMEOUT_SECONDS);
        if (socket < 0) {
            throw new IllegalArgumentException("property " + SOCKET_TIMEOUT
                    + " must not be negative (0 waits forever), was " + socket);
        }
        int heartbeat = options.intProperty(CHANGE_HEARTBEAT, DEFAULT_CHANGE_HEARTBEAT_MILLIS);
        if (heartbeat < 1) {
            throw new IllegalArgumentException("property " + CHANGE_HEARTBEAT + " must be at least 1, was " + heartbeat);
        }
        return new PostgresSettings(schema, connect, socket, heartbeat);
    }

    /** The schema the tables live in (lower case), or null for the connection's default search path. */
    String schema() {
        return schema;
    }

    int connectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    int socketTimeoutSeconds() {
        return socketTimeoutSeconds;
    }

    /** How often the change listener confirms it is caught up (a ping through its own channel). */
    int changeHeartbeatMillis() {
        return changeHeartbeatMillis;
    }
}
