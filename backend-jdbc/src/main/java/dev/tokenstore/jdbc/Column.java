package dev.tokenstore.jdbc;

import java.util.Objects;

/**
 * A column written by the engine: its name and its {@link java.sql.Types} code. Handed to the
 * {@link SqlDialect} bulk hooks so a backend can bind values by type (e.g. build typed arrays).
 * Values bound to a column are always {@link String}, {@link Long} or {@code null}.
 *
 * @param name    the column name (a plain lower-case SQL identifier)
 * @param sqlType {@link java.sql.Types#VARCHAR} or {@link java.sql.Types#BIGINT}
 */
public record Column(String name, int sqlType) {
    public Column {
        Objects.requireNonNull(name, "name");
    }
}
