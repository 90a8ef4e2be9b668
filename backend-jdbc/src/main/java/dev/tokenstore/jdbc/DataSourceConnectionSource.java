package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConnectionSource} over a (pooled) {@link DataSource}: reads and writes both borrow a
 * connection from it and give it back with {@link Connection#close()}. Broken connections are
 * left to the pool to evict (HikariCP does so for connection-class SQL errors). Closing the
 * source closes the pool only if it was handed over as owned ({@code onClose}).
 */
public final class DataSourceConnectionSource implements ConnectionSource {
    private static final Logger LOG = LoggerFactory.getLogger(DataSourceConnectionSource.class);

    private final DataSource dataSource;
    private final String description;
    private final AutoCloseable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param dataSource  where connections come from (switched to auto-commit if they are not)
     * @param description where the data lives, safe to show (no password)
     * @param onClose     what {@link #close()} releases (e.g. the pool), or null if the caller owns it
     */
    public DataSourceConnectionSource(DataSource dataSource, String description, AutoCloseable onClose) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.description = Objects.requireNonNull(description, "description");
        this.onClose = onClose;
    }

    @Override
    public Lease read() throws SQLException {
        return borrow();
    }

    @Override
    public Lease write() throws SQLException {
        return borrow();
    }

    /** A connection in auto-commit mode, whatever the pool's default is. */
    private Lease borrow() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            return new PooledLease(c);
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                LOG.warn("closing the connection pool of {} failed", description, e);
            }
        }
    }

    @Override
    public String toString() {
        return "DataSourceConnectionSource[" + description + "]";
    }

    private static final class PooledLease implements Lease {
        private final Connection connection;

        PooledLease(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        /** Nothing to do: the pool sees the connection's errors itself and evicts it. */
        @Override
        public void markBroken() {
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("returning a connection failed", e);
            }
        }
    }
}
