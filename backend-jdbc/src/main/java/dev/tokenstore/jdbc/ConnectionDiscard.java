package dev.tokenstore.jdbc;

import java.sql.Connection;

/**
 * How to get rid of a borrowed connection that must not be handed out again (it may still hold a
 * lock or a session setting the store could not undo). {@link #ABORT} aborts the physical
 * connection ({@link Connection#abort}) and then gives the handle back, which any pool then sees as
 * closed; a backend that knows its pool (HikariCP's {@code evictConnection}) may do better.
 */
@FunctionalInterface
public interface ConnectionDiscard {

    /** Aborts the physical connection, then closes the handle. */
    ConnectionDiscard ABORT = new AbortingDiscard();

    /** Makes sure {@code connection} is never used again and gives it back; never throws. */
    void discard(Connection connection);
}
