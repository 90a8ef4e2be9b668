package dev.tokenstore.postgres;

import dev.tokenstore.jdbc.ChangeChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One listening connection and its thread: reads the change log on every wake-up and every
 * heartbeat, delivering each committed row once (see {@link PostgresChangeChannel} for how the
 * horizon keeps reads without gaps), and resets the receiver on every (re)connect.
 */
final class ChangeLogListener extends ReconnectingThread implements ChangeChannel.Listening {
    /** How long the listener waits for a wake-up at a time, so that it notices {@code close()} soon. */
    private static final long WAIT_SLICE_NANOS = 50_000_000L;

    private final String channel;
    private final String readSql;
    private final String startSql;
    private final ChangeChannel.Receiver receiver;
    private final Predicate<SQLException> unavailable;
    private final long heartbeatNanos;
    /** Numbers at or above {@link #horizon} already delivered. */
    private final Set<Long> delivered = new HashSet<>();
    private long horizon;

    ChangeLogListener(String channel, String table, ChangeChannel.Receiver receiver,
                      PostgresChangeChannel.ConnectionFactory connections, Predicate<SQLException> unavailable,
                      String description, long heartbeatNanos) {
        super("tokenstore-pg-changes-", connections, description);
        this.unavailable = unavailable;
        this.heartbeatNanos = heartbeatNanos;
        this.channel = channel;
        String horizonAndRows = "SELECT h.x, l.seq, l.payload FROM (SELECT "
                + "pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS x) h LEFT JOIN " + table + " l ON l.seq >= ";
        this.readSql = horizonAndRows + "? ORDER BY l.seq";
        this.startSql = horizonAndRows + "h.x ORDER BY l.seq";
        this.receiver = receiver;
    }

    @Override
    void session(ChannelConnection cc) throws SQLException {
        Connection c = cc.connection();
        PGConnection pg = c.unwrap(PGConnection.class);
        // The read's "seq >= ?" must always be planned with its value (a short range of
        // the primary key): a generic plan, which pgjdbc's server-side prepare invites
        // after five runs, may scan the whole log on every read.
        cc.set("plan_cache_mode", "force_custom_plan");
        cc.listen(PostgresChangeChannel.quoted(channel));
        connected();
        start(c);
        listen(c, pg);
    }

    @Override
    String recovered() {
        return "listening for changes again";
    }

    /** A connection-level failure (connect refused, connection lost, no reply) is evidence the database is unreachable. */
    @Override
    void attemptFailed(Exception e) {
        if (e instanceof SQLException sql && unavailable.test(sql)) {
            receiver.unreachable();
        }
    }

    @Override
    String failed() {
        return "the change listener lost its connection; reconnecting, and caches treat the feed as behind "
                + "until then";
    }

    /**
     * Takes a position (the horizon, and the rows at or above it as delivered), then resets:
     * whatever committed before that snapshot is covered by the reset, whatever commits after
     * it the reads deliver. Listening started before, so no wake-up is missed either.
     */
    private void start(Connection c) throws SQLException {
        delivered.clear();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(startSql)) {
            while (rs.next()) {
                horizon = rs.getLong(1);
                long seq = rs.getLong(2);
                if (!rs.wasNull()) {
                    delivered.add(seq);
                }
            }
        }
        receiver.reset("(re)connected: changes committed while not listening may have been missed");
    }

    /** Reads the log on every wake-up and every heartbeat, until closed or the connection fails. */
    private void listen(Connection c, PGConnection pg) throws SQLException {
        try (PreparedStatement read = c.prepareStatement(readSql)) {
            while (!stopped) {
                long started = System.nanoTime();
                read(read);
                receiver.caughtUp(started);
                awaitWakeUp(pg, started + heartbeatNanos);
            }
        }
    }

    /**
     * Waits for a wake-up (any notification on the channel; its payload carries nothing) until
     * {@code deadline}, in slices of at most {@value #WAIT_SLICE_NANOS} ns so that a stop is seen
     * soon. Waiting reads only what the server sends: no round trip.
     */
    private void awaitWakeUp(PGConnection pg, long deadline) throws SQLException {
        for (long left = deadline - System.nanoTime(); left > 0 && !stopped; left = deadline - System.nanoTime()) {
            int millis = (int) Math.max(1, Math.min(left, WAIT_SLICE_NANOS) / 1_000_000L);
            PGNotification[] woken = pg.getNotifications(millis);
            if (woken != null && woken.length > 0) {
                return;
            }
        }
    }

    /** Delivers every committed row not delivered yet, then moves the horizon up. */
    private void read(PreparedStatement read) throws SQLException {
        read.setLong(1, horizon);
        long next = horizon;
        try (ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                next = rs.getLong(1);
                long seq = rs.getLong(2);
                if (rs.wasNull()) {
                    continue; // no rows: the horizon alone
                }
                if (delivered.add(seq)) {
                    receiver.payload(rs.getString(3));
                }
            }
        }
        if (next > horizon) {
            horizon = next;
            delivered.removeIf(seq -> seq < horizon);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
