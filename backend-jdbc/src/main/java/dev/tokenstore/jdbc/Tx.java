package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The connection a piece of {@link SqlWork} runs on, with its statement cache if the
 * {@link ConnectionSource} gave one: {@link #prepare} returns a cached statement or a fresh one,
 * and the returned handle clears or closes it after use. A write also gathers here the changes it
 * made ({@link #changed}), which the runner publishes as one event right before it commits.
 */
final class Tx {
    private final Connection connection;
    private final StatementCache cache;
    private ChangeEvent.Builder changes;

    Tx(Connection connection, StatementCache cache) {
        this.connection = connection;
        this.cache = cache;
    }

    Connection connection() {
        return connection;
    }

    Prepared prepare(String sql) throws SQLException {
        return cache == null ? new Prepared(connection.prepareStatement(sql), false)
                : new Prepared(cache.get(sql), true);
    }

    /** Adds {@code event} to the changes this transaction publishes when it commits. */
    void changed(ChangeEvent event) {
        if (changes == null) {
            changes = ChangeEvent.builder();
        }
        changes.addAll(event);
    }

    /** The changes gathered so far, merged into one event (null if none), and forgets them. */
    ChangeEvent takeChanges() {
        ChangeEvent event = changes == null ? null : changes.build();
        changes = null;
        return event == null || event.isEmpty() ? null : event;
    }

    /** After an error the statements' state is unknown: drop them all. */
    void discardStatements() {
        if (cache != null) {
            cache.clear();
        }
    }

    /** A statement for one use: closing it clears a cached statement and closes a fresh one. */
    static final class Prepared implements AutoCloseable {
        private final PreparedStatement statement;
        private final boolean cached;

        Prepared(PreparedStatement statement, boolean cached) {
            this.statement = statement;
            this.cached = cached;
        }

        PreparedStatement ps() {
            return statement;
        }

        @Override
        public void close() throws SQLException {
            if (cached) {
                statement.clearParameters();
            } else {
                statement.close();
            }
        }
    }
}
