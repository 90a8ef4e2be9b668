package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConnectionSource} over a (pooled) {@link DataSource}: reads and writes both borrow a
 * connection from it and give it back with {@link Connection#close()}. Closing the source closes
 * the pool only if it was handed over as owned ({@code onClose}).
 *
 * <p>Whatever the pool's defaults, every lease is in auto-commit mode, read-write and at the
 * source's isolation (READ COMMITTED unless told otherwise); what the connection came with is put
 * back before it is returned ({@link ConnectionState}), so an application's own pool gets its
 * connections back as it lent them. The isolation and read-only a physical connection comes with are
 * asked once (pgjdbc asks the server for the isolation) and remembered, as pools hand a connection out with the same settings
 * each time (HikariCP resets what a borrower changed). A connection marked broken, or whose state
 * could not be put back, is discarded ({@link ConnectionDiscard}) instead of returned.
 */
public final class DataSourceConnectionSource implements ConnectionSource {
    private static final Logger LOG = LoggerFactory.getLogger(DataSourceConnectionSource.class);

    private final DataSource dataSource;
    private final String description;
    private final AutoCloseable onClose;
    private final ConnectionDiscard discard;
    private final int isolation;
    private final Map<Connection, ConnectionState> found = Collections.synchronizedMap(new WeakHashMap<>());
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A source at READ COMMITTED that discards connections by aborting them.
     *
     * @param dataSource  where connections come from
     * @param description where the data lives, safe to show (no password)
     * @param onClose     what {@link #close()} releases (e.g. the pool), or null if the caller owns it
     */
    public DataSourceConnectionSource(DataSource dataSource, String description, AutoCloseable onClose) {
        this(dataSource, description, onClose, ConnectionDiscard.ABORT, Connection.TRANSACTION_READ_COMMITTED);
    }

    /**
     * @param discard   how to get rid of a connection that must not be handed out again
     * @param isolation the isolation every lease runs at ({@link Connection#TRANSACTION_NONE} to keep the pool's)
     */
    public DataSourceConnectionSource(DataSource dataSource, String description, AutoCloseable onClose,
                                      ConnectionDiscard discard, int isolation) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.description = Objects.requireNonNull(description, "description");
        this.onClose = onClose;
        this.discard = Objects.requireNonNull(discard, "discard");
        this.isolation = isolation;
    }

    @Override
    public Lease read() throws SQLException {
        return borrow();
    }

    @Override
    public Lease write() throws SQLException {
        return borrow();
    }

    /** A connection in auto-commit mode at this source's isolation, whatever the pool's defaults are. */
    private Lease borrow() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            Connection physical = physical(c);
            ConnectionState known = found.get(physical);
            ConnectionState state = ConnectionState.takeOver(c, isolation, known);
            if (known == null) {
                found.put(physical, state);
            }
            return new PooledLease(c, state);
        } catch (SQLException | RuntimeException e) {
            discard.discard(c);
            throw e;
        }
    }

    private static Connection physical(Connection c) throws SQLException {
        return c.isWrapperFor(Connection.class) ? c.unwrap(Connection.class) : c;
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

    private final class PooledLease implements Lease {
        private final Connection connection;
        private final ConnectionState state;
        private boolean broken;

        PooledLease(Connection connection, ConnectionState state) {
            this.connection = connection;
            this.state = state;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public void markBroken() {
            broken = true;
        }

        @Override
        public void close() {
            if (!broken && state.changed()) {
                try {
                    state.restore(connection);
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("{}: putting back a borrowed connection's settings failed; discarding it", description, e);
                    broken = true;
                }
            }
            if (broken) {
                discard.discard(connection);
                return;
            }
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("returning a connection failed", e);
            }
        }
    }
}
