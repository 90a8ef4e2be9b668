package dev.tokenstore.jdbc;

import java.sql.SQLException;

/** Work done on one connection; inside a write it runs in a transaction the runner owns. */
@FunctionalInterface
interface SqlWork<T> {
    T run(Tx tx) throws SQLException;
}
