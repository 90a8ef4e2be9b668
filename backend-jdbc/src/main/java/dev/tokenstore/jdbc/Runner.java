package dev.tokenstore.jdbc;

/**
 * Runs {@link SqlWork} for {@link SqlTokenStore}: a pooled runner gives each call its own connection
 * and transaction; a bound runner runs everything on the connection of an enclosing
 * {@code inTransaction}. Either way an {@link java.sql.SQLException} leaves as a
 * {@link dev.tokenstore.TokenStoreException} naming the store and the operation.
 */
interface Runner {

    /** Runs a read (one statement, or several that need no transaction). */
    <T> T read(String operation, SqlWork<T> work);

    /** Runs work that writes, as one transaction: all of it commits, or none of it. */
    <T> T write(String operation, SqlWork<T> work);
}
