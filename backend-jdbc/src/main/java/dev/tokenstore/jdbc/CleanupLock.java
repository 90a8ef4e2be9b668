package dev.tokenstore.jdbc;

import dev.tokenstore.Arguments;
import dev.tokenstore.CleanupResult;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets one store instance at a time clean up, through {@link SqlDialect#tryLockCleanup}: the lock
 * is held on one borrowed connection while the cleanup runs, and that connection is lent to the
 * store's own calls meanwhile ({@link LendingSource}), so the cleanup's chunks (each its own short
 * transaction) run on it when the pool has no other connection. A connection whose unlock failed
 * may still hold the lock: it is discarded, never returned to the pool. Without a dialect lock
 * the cleanup runs at once.
 */
final class CleanupLock {
    private static final Logger LOG = LoggerFactory.getLogger(CleanupLock.class);

    private final ConnectionSource source;
    private final LendingSource lending;
    private final SqlDialect dialect;
    private final Failures failures;
    private final Lifecycle lifecycle;
    private final String tablePrefix;

    /** @param source where the lock's connection comes from; {@code lending} serves the store's calls */
    CleanupLock(ConnectionSource source, LendingSource lending, SqlDialect dialect, Failures failures,
                Lifecycle lifecycle, String tablePrefix) {
        this.source = source;
        this.lending = lending;
        this.dialect = dialect;
        this.failures = failures;
        this.lifecycle = lifecycle;
        this.tablePrefix = tablePrefix;
    }

    Optional<CleanupResult> runIfFree(Supplier<CleanupResult> cleanup) {
        Arguments.requireNonNull(cleanup, "cleanup");
        lifecycle.ensureOpen();
        if (!dialect.locksCleanup()) {
            return Optional.of(cleanup.get());
        }
        try (ConnectionSource.Lease lease = source.read()) {
            if (!dialect.tryLockCleanup(lease.connection(), tablePrefix)) {
                return Optional.empty();
            }
            lending.lend(lease);
            try {
                return Optional.of(cleanup.get());
            } finally {
                lending.takeBack();
                release(lease);
            }
        } catch (SQLException e) {
            throw failures.wrap("cleanup lock", e);
        }
    }

    private void release(ConnectionSource.Lease lease) {
        try {
            dialect.unlockCleanup(lease.connection(), tablePrefix);
        } catch (SQLException | RuntimeException e) {
            // A connection that may still hold the lock must not go back to the pool.
            LOG.warn("{}: releasing the cleanup lock failed; discarding the connection", failures.storeName(), e);
            lease.markBroken();
        }
    }
}
