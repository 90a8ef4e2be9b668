package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.TokenStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner of an open store: each call borrows a connection from the {@link ConnectionSource};
 * writes run in one transaction ({@link SqlDialect#beginWrite} … {@link SqlDialect#commit}),
 * rolled back on any failure; the changes a write gathered are published as its last statement
 * ({@link ChangePublisher#flush}). Transient lock conflicts ({@link SqlDialect#isRetryable}) are
 * retried a bounded number of times with a short random back-off; a lost connection is
 * discarded and a read retried once. Every call, retries included, goes through the store's
 * {@link CircuitGuard}: while the database is unreachable calls fail at once.
 */
final class PooledRunner implements Runner {
    private static final Logger LOG = LoggerFactory.getLogger(PooledRunner.class);

    private final ConnectionSource source;
    private final SqlDialect dialect;
    private final Failures failures;
    private final int maxRetries;
    private final Lifecycle lifecycle;
    private final CircuitGuard guard;
    private final ChangePublisher changes;

    PooledRunner(ConnectionSource source, SqlDialect dialect, Failures failures, int maxRetries, Lifecycle lifecycle,
                 CircuitGuard guard, ChangePublisher changes) {
        this.guard = guard;
        this.changes = changes;
        this.source = source;
        this.dialect = dialect;
        this.failures = failures;
        this.maxRetries = maxRetries;
        this.lifecycle = lifecycle;
    }

    @Override
    public <T> T read(String operation, SqlWork<T> work) {
        lifecycle.ensureOpen();
        return guard.call(operation, () -> readAttempts(operation, work));
    }

    private <T> T readAttempts(String operation, SqlWork<T> work) {
        for (int attempt = 0; ; attempt++) {
            boolean leased = false;
            try (ConnectionSource.Lease lease = source.read()) {
                leased = true;
                Tx tx = new Tx(lease.connection(), lease.statements());
                try {
                    return work.run(tx);
                } catch (SQLException e) {
                    tx.discardStatements();
                    markIfLost(lease, e);
                    throw e;
                }
            } catch (SQLException e) {
                lifecycle.ensureOpen();
                // A lost connection (a server restart left it stale) is worth one more try on a fresh
                // one; a source that could give no connection at all, or a reply that never came, is not.
                boolean again = attempt == 0 && leased && dialect.isConnectionLost(e) && !timedOut(e)
                        || attempt < maxRetries && dialect.isRetryable(e);
                if (!again) {
                    throw failures.wrap(operation, e);
                }
                LOG.debug("{}: {} attempt {} failed, retrying: {}", failures.storeName(), operation, attempt + 1,
                        Failures.describe(e, dialect));
                backOff(attempt);
            } catch (TokenStoreException e) {
                throw failures.wrap(operation, e);
            }
        }
    }

    @Override
    public <T> T write(String operation, SqlWork<T> work) {
        return write(operation, work, true);
    }

    /**
     * Runs {@code work} in a write transaction. With {@code retryWork} false only a failure to
     * start the transaction is retried: the work itself runs at most once (it may have effects
     * outside the database).
     */
    <T> T write(String operation, SqlWork<T> work, boolean retryWork) {
        lifecycle.ensureOpen();
        return guard.call(operation, () -> writeAttempts(operation, work, retryWork));
    }

    private <T> T writeAttempts(String operation, SqlWork<T> work, boolean retryWork) {
        for (int attempt = 0; ; attempt++) {
            boolean workStarted = false;
            try (ConnectionSource.Lease lease = source.write()) {
                Connection c = lease.connection();
                try {
                    dialect.beginWrite(c);
                } catch (SQLException e) {
                    markIfLost(lease, e);
                    throw e;
                }
                Tx tx = new Tx(c, lease.statements());
                try {
                    workStarted = true;
                    T result = work.run(tx);
                    ChangeEvent changed = tx.takeChanges();
                    if (changed != null) {
                        changes.flush(tx, changed);
                    }
                    dialect.commit(c);
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollback(lease, operation);
                    if (e instanceof SQLException) {
                        tx.discardStatements();
                        markIfLost(lease, (SQLException) e);
                    }
                    throw e;
                }
            } catch (SQLException e) {
                lifecycle.ensureOpen();
                boolean again = (retryWork || !workStarted) && attempt < maxRetries && dialect.isRetryable(e);
                if (!again) {
                    throw failures.wrap(operation, e);
                }
                LOG.debug("{}: {} attempt {} hit a lock conflict, retrying: {}", failures.storeName(), operation,
                        attempt + 1, Failures.describe(e, dialect));
                backOff(attempt);
            } catch (TokenStoreException e) {
                throw failures.wrap(operation, e);
            }
        }
    }

    /**
     * A reply that never came: retrying on another connection would most likely wait as long
     * again (a blackholed server), so such a read is not retried.
     */
    private static boolean timedOut(SQLException e) {
        for (SQLException x : SqlErrors.chain(e)) {
            int depth = 0;
            for (Throwable c = x.getCause(); c != null && depth < 16; c = c.getCause(), depth++) {
                if (c instanceof java.net.SocketTimeoutException) {
                    return true;
                }
            }
        }
        return false;
    }

    private void markIfLost(ConnectionSource.Lease lease, SQLException e) {
        if (dialect.isConnectionLost(e)) {
            lease.markBroken();
        }
    }

    private void rollback(ConnectionSource.Lease lease, String operation) {
        try {
            dialect.rollback(lease.connection());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("{}: rolling back {} failed; discarding the connection", failures.storeName(), operation, e);
            lease.markBroken();
        }
    }

    private static void backOff(int attempt) {
        long maxMicros = Math.min(50_000L, 2_000L << Math.min(attempt, 5));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxMicros / 2, maxMicros) * 1_000L);
    }
}
