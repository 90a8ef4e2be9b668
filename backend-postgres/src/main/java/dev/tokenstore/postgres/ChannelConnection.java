package dev.tokenstore.postgres;

import dev.tokenstore.jdbc.ConnectionDiscard;
import dev.tokenstore.jdbc.ConnectionState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection the change channel (its listener or notifier) keeps for as long as it works: in
 * auto-commit at READ COMMITTED whatever its pool's defaults, so every read of the log is a fresh
 * snapshot and every {@code pg_notify} is sent at once. Session settings go through {@link #set},
 * which remembers the value found; {@link #release} undoes everything ({@code UNLISTEN *}, each
 * setting back, auto-commit, isolation and read-only back) before the connection is returned, and
 * discards it instead if that fails. A connection the channel opened itself is simply closed.
 */
final class ChannelConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelConnection.class);

    private final Connection connection;
    private final ConnectionState state;
    private final ConnectionDiscard discard;
    private final Map<String, String> found = new LinkedHashMap<>();
    private boolean listening;
    private final AtomicBoolean released = new AtomicBoolean();

    private ChannelConnection(Connection connection, ConnectionState state, ConnectionDiscard discard) {
        this.connection = connection;
        this.state = state;
        this.discard = discard;
    }

    /** A connection borrowed from an application's pool: set up now, put back as found on release. */
    static ChannelConnection borrowed(Connection connection, ConnectionDiscard discard) throws SQLException {
        try {
            return new ChannelConnection(connection,
                    ConnectionState.takeOver(connection, Connection.TRANSACTION_READ_COMMITTED, null), discard);
        } catch (SQLException | RuntimeException e) {
            discard.discard(connection);
            throw e;
        }
    }

    /** A connection the channel opened itself: closed on release. */
    static ChannelConnection own(Connection connection) throws SQLException {
        try {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            return new ChannelConnection(connection, null, null);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    Connection connection() {
        return connection;
    }

    /** Sets a session setting (remembering the value found the first time), e.g. {@code synchronous_commit}. */
    void set(String name, String value) throws SQLException {
        if (state != null && !found.containsKey(name)) {
            try (PreparedStatement ps = connection.prepareStatement("SELECT current_setting(?)")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    found.put(name, rs.getString(1));
                }
            }
        }
        setConfig(name, value);
    }

    /** {@code LISTEN} on {@code channel} (a quoted identifier); undone by {@code UNLISTEN *} on release. */
    void listen(String quotedChannel) throws SQLException {
        listening = true;
        try (Statement st = connection.createStatement()) {
            st.execute("LISTEN " + quotedChannel);
        }
    }

    private void setConfig(String name, String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT set_config(?, ?, false)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeQuery().close();
        }
    }

    /** Undoes what the channel set and gives the connection back; discards it if that fails. Idempotent. */
    void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        if (state == null) {
            closeQuietly();
            return;
        }
        try {
            if (listening) {
                try (Statement st = connection.createStatement()) {
                    st.execute("UNLISTEN *");
                }
            }
            for (Map.Entry<String, String> setting : found.entrySet()) {
                setConfig(setting.getKey(), setting.getValue());
            }
            state.restore(connection);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("putting back a change-feed connection's settings failed; discarding it", e);
            discard.discard(connection);
            return;
        }
        closeQuietly();
    }

    /** Gets rid of the connection without a word to the server (it may not answer); safe from any thread. */
    void discard() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        if (discard != null) {
            discard.discard(connection);
        } else {
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing a change-feed connection failed", e);
        }
    }
}
