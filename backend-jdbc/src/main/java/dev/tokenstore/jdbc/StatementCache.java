package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepared statements kept for reuse on one long-lived connection (least recently used evicted
 * beyond {@code maxSize}). For drivers that do not cache prepared statements themselves — xerial
 * SQLite parses every {@code prepareStatement} anew — a {@link ConnectionSource} hands one per
 * connection to the engine through {@link ConnectionSource.Lease#statements()}.
 *
 * <p>Not thread-safe: only the holder of the connection's lease uses it. The engine clears
 * parameters after each use, and {@link #clear()}s the cache after any error on the connection.
 */
public final class StatementCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatementCache.class);

    private final Connection connection;
    private final Map<String, PreparedStatement> statements;

    /**
     * @param connection the connection statements are prepared on (closing the cache does not close it)
     * @param maxSize    most statements kept
     */
    public StatementCache(Connection connection, int maxSize) {
        this.connection = Objects.requireNonNull(connection, "connection");
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize must be at least 1, was " + maxSize);
        }
        this.statements = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() > maxSize) {
                    closeQuietly(eldest.getValue());
                    return true;
                }
                return false;
            }
        };
    }

    /** The statement for {@code sql}, prepared on first use. */
    public PreparedStatement get(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Closes and forgets every statement (after an error, the connection's state is unknown). */
    public void clear() {
        List<PreparedStatement> all = new ArrayList<>(statements.values());
        statements.clear();
        all.forEach(StatementCache::closeQuietly);
    }

    /** Closes every statement; the connection stays open. */
    @Override
    public void close() {
        clear();
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException e) {
            LOG.debug("closing a cached statement failed", e);
        }
    }
}
