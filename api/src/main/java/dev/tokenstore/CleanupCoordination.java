package dev.tokenstore;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Optional capability of a {@link TokenStore} (detect it with {@code instanceof}): store
 * instances over the same data take turns cleaning up, so that with several app instances on
 * one database at most one of them runs {@link TokenStore#cleanupExpired()} at a time.
 * {@link CleanupScheduler} uses it when the store it is given (or the one set with
 * {@link CleanupScheduler.Builder#coordination}) has it.
 *
 * <p>The PostgreSQL backend holds a session-level advisory lock on one pooled connection while
 * the cleanup runs (the cleanup's own chunks run on other connections, each its own short
 * transaction). Backends where there is nothing to coordinate run the cleanup at once.
 */
public interface CleanupCoordination {

    /**
     * Runs {@code cleanup} while holding the cleanup lock shared by every store instance over the
     * same data, and returns its result; returns empty at once, without running it, when another
     * instance holds the lock.
     *
     * @throws TokenStoreException if the lock cannot be taken or released because of a storage failure
     */
    Optional<CleanupResult> cleanupIfNoOtherInstanceIs(Supplier<CleanupResult> cleanup);
}
