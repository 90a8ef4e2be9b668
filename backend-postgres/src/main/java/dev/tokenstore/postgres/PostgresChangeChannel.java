package dev.tokenstore.postgres;

import dev.tokenstore.TokenHash;
import dev.tokenstore.jdbc.ChangeChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Predicate;

/**
 * The change feed over PostgreSQL: a row in the change-log table per write transaction, numbered
 * by the transaction's id, and a {@code NOTIFY} sent after commit only to wake the listeners.
 *
 * <p><b>Why not a {@code NOTIFY} inside each write.</b> PostgreSQL serializes the commits of
 * transactions that issued a {@code NOTIFY} (a global lock held through the commit's disk flush),
 * so with 16 writers a notify per write cost about a third of the throughput. A row costs a write
 * nothing of the kind: it is inserted as the transaction's last statement together with its
 * {@code COMMIT}, in one round trip. After commit the writer only flags a per-store notifier
 * thread ({@code tokenstore-pg-wakeup-N}, its own connection), which sends one
 * {@code pg_notify(channel, '')} for however many commits flagged it meanwhile. A lost wake-up
 * costs latency, never a change: listeners also read the log every heartbeat.
 *
 * <p><b>Reading without gaps.</b> Rows are numbered by {@code pg_current_xact_id()}, which is not
 * commit order: a transaction with a lower id may commit after one with a higher id was read.
 * Each read takes, in one snapshot, the horizon {@code pg_snapshot_xmin(pg_current_snapshot())}
 * (every transaction below it has ended) and the rows at or above the last read's horizon; rows
 * already delivered are skipped by number, and numbers below the new horizon are forgotten, as no
 * row below it can appear any more. So every committed row is delivered once, and a read that
 * started at time t proves everything committed before t delivered ("caught up"). A writing
 * transaction left open holds the horizon back: reads then re-read the rows since it began, and
 * still deliver each once.
 *
 * <p>Each listening store has one connection of its own (outside the store's pool, or borrowed from
 * the caller's data source and kept), on a daemon thread ({@code tokenstore-pg-changes-N}), in
 * auto-commit at READ COMMITTED whatever that pool's defaults, so each read is a snapshot of its
 * own: it listens for wake-ups, reads on each wake-up and every heartbeat, and on any failure
 * reconnects with back-off (100 ms doubling to 5 s) and tells the receiver to reset. A borrowed
 * connection is put back as it was found ({@link ChannelConnection}). The notify channel is the change-log table's name, qualified by the schema,
 * and hashed if longer than PostgreSQL's 63-byte identifiers.
 */
final class PostgresChangeChannel implements ChangeChannel {
    /** Opens a connection of the channel's own (the listener's, the notifier's), kept until released. */
    @FunctionalInterface
    interface ConnectionFactory {
        ChannelConnection open() throws SQLException;
    }

    private final String schema;
    private final ConnectionFactory connections;
    private final Predicate<SQLException> unavailable;
    private final String description;
    private final long heartbeatNanos;
    private final Object notifierLock = new Object();
    private WakeUpNotifier notifier;
    private boolean closed;

    /** @param unavailable which failures mean the database cannot be reached (the dialect's {@code isUnavailable}) */
    PostgresChangeChannel(String schema, ConnectionFactory connections, Predicate<SQLException> unavailable,
                          String description, long heartbeatMillis) {
        this.schema = schema;
        this.connections = connections;
        this.unavailable = unavailable;
        this.description = description;
        this.heartbeatNanos = heartbeatMillis * 1_000_000L;
    }

    /** A row has no size limit: one payload per transaction. */
    @Override
    public int maxPayloadBytes() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void publish(Connection connection, String topic, long nowMillis, List<String> payloads)
            throws SQLException {
        if (payloads.isEmpty()) {
            return;
        }
        if (payloads.size() != 1) {
            throw new SQLException("one change payload per transaction expected, got " + payloads.size());
        }
        // One message to the server: pgjdbc sends both statements with one Sync, and the engine's
        // commit that follows finds the transaction already ended. Should the insert fail, the
        // server skips the COMMIT and the engine rolls back.
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + table(topic)
                + " (seq, created_at, payload) VALUES (pg_current_xact_id()::text::bigint, ?, ?); COMMIT")) {
            ps.setLong(1, nowMillis);
            ps.setString(2, payloads.get(0));
            ps.execute();
        }
    }

    @Override
    public void committed(String topic) {
        WakeUpNotifier n;
        synchronized (notifierLock) {
            if (closed) {
                return;
            }
            if (notifier == null) {
                notifier = new WakeUpNotifier(channelName(topic), connections, description);
                notifier.thread.start();
            }
            n = notifier;
        }
        n.wake();
    }

    @Override
    public Listening listen(String topic, Receiver receiver) {
        ChangeLogListener listener = new ChangeLogListener(channelName(topic), table(topic), receiver, connections,
                unavailable, description, heartbeatNanos);
        listener.thread.start();
        return listener;
    }

    @Override
    public void close() {
        WakeUpNotifier n;
        synchronized (notifierLock) {
            closed = true;
            n = notifier;
            notifier = null;
        }
        if (n != null) {
            n.stop();
        }
    }

    /** The notify channel of a topic: {@code schema.topic}, or a hash of it past 63 bytes. */
    String channelName(String topic) {
        String name = (schema == null ? "" : schema + ".") + topic;
        return name.length() <= 63 ? name : "tokenstore_" + TokenHash.sha256Hex(name).substring(0, 32);
    }

    /** The change-log table, qualified by the schema if one is set (the channel's own connections have no search path). */
    private String table(String topic) {
        return schema == null ? topic : quoted(schema) + "." + topic;
    }

    static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
