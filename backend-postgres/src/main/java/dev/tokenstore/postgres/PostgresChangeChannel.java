package dev.tokenstore.postgres;

import dev.tokenstore.TokenHash;
import dev.tokenstore.jdbc.ChangeChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeChannel.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final long MIN_BACKOFF_NANOS = 100_000_000L;
    private static final long MAX_BACKOFF_NANOS = 5_000_000_000L;
    private static final long WAKEUP_SPACING_NANOS = 2_000_000L;
    /** How long the listener waits for a wake-up at a time, so that it notices {@code close()} soon. */
    private static final long WAIT_SLICE_NANOS = 50_000_000L;
    private static final long STOP_WAIT_MILLIS = 2_000L;

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
    private Notifier notifier;
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
        Notifier n;
        synchronized (notifierLock) {
            if (closed) {
                return;
            }
            if (notifier == null) {
                notifier = new Notifier(channelName(topic));
                notifier.thread.start();
            }
            n = notifier;
        }
        n.wake();
    }

    @Override
    public Listening listen(String topic, Receiver receiver) {
        Listener listener = new Listener(channelName(topic), table(topic), receiver);
        listener.thread.start();
        return listener;
    }

    @Override
    public void close() {
        Notifier n;
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

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static void pause(Object blocker, long nanos) {
        LockSupport.parkNanos(blocker, nanos);
    }

    /**
     * A daemon thread working on a connection of the channel's own, which reconnects with back-off
     * (100 ms doubling to 5 s) after any failure until stopped, logging the first failure and the
     * recovery once each.
     */
    private abstract class Reconnecting implements Runnable {
        final Thread thread;
        volatile boolean stopped;
        private volatile ChannelConnection connection;
        private boolean failing;
        private long backoff = MIN_BACKOFF_NANOS;

        Reconnecting(String threadName) {
            this.thread = new Thread(this, threadName + THREADS.incrementAndGet());
            this.thread.setDaemon(true);
        }

        /** Works on {@code c} until stopped or it fails; calls {@link #connected} once set up. */
        abstract void session(ChannelConnection c) throws SQLException;

        /** What works again, for the log. */
        abstract String recovered();

        /** What failed and what that means meanwhile, for the log. */
        abstract String failed();

        /** Called after each failed attempt, with its failure. Default: nothing. */
        void attemptFailed(Exception e) {
        }

        final void connected() {
            if (failing) {
                LOG.info("{}: {}", description, recovered());
                failing = false;
            }
            backoff = MIN_BACKOFF_NANOS;
        }

        @Override
        public final void run() {
            while (!stopped) {
                ChannelConnection c = null;
                try {
                    c = connections.open();
                    connection = c;
                    session(c);
                } catch (SQLException | RuntimeException e) {
                    if (stopped) {
                        break;
                    }
                    attemptFailed(e);
                    if (!failing) {
                        LOG.warn("{}: {} ({}, SQLState {})", description, failed(), e.getClass().getName(),
                                e instanceof SQLException sql ? sql.getSQLState() : "-");
                        failing = true;
                    }
                } finally {
                    connection = null;
                    if (c != null) {
                        c.release(); // undoes what the session set before the pool gets it back
                    }
                }
                if (!stopped) {
                    pause(this, backoff);
                    backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
                }
            }
        }

        /**
         * Stops the thread and waits for it; it puts its connection back as it found it. A thread
         * stuck in a reply that does not come (a server gone silent) has its connection discarded
         * after {@value #STOP_WAIT_MILLIS} ms, which wakes it.
         */
        final void stop() {
            stopped = true;
            LockSupport.unpark(thread);
            if (!join(thread, STOP_WAIT_MILLIS)) {
                ChannelConnection c = connection;
                if (c != null) {
                    c.discard();
                }
                join(thread, 5_000);
            }
        }
    }

    /** Sends one wake-up for however many commits flagged it since the last one. */
    private final class Notifier extends Reconnecting {
        private final String channel;
        private final AtomicInteger flagged = new AtomicInteger();

        Notifier(String channel) {
            super("tokenstore-pg-wakeup-");
            this.channel = channel;
        }

        void wake() {
            if (flagged.getAndIncrement() == 0) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        void session(ChannelConnection cc) throws SQLException {
            cc.set("synchronous_commit", "off"); // a wake-up need not wait for the disk
            try (PreparedStatement ps = cc.connection().prepareStatement("SELECT pg_notify(?, '')")) {
                ps.setString(1, channel);
                connected();
                while (!stopped) {
                    if (flagged.getAndSet(0) == 0) {
                        LockSupport.park(this);
                        continue;
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                    // at most one wake-up per WAKEUP_SPACING: under load each one covers many
                    // commits, and every listener reads once for them all
                    long until = System.nanoTime() + WAKEUP_SPACING_NANOS;
                    for (long left = WAKEUP_SPACING_NANOS; left > 0 && !stopped; left = until - System.nanoTime()) {
                        LockSupport.parkNanos(this, left); // a commit's unpark only ends it early
                    }
                }
            }
        }

        @Override
        String recovered() {
            return "sending change wake-ups again";
        }

        @Override
        String failed() {
            return "sending change wake-ups failed; other instances see changes at their next heartbeat until it "
                    + "works again";
        }
    }

    /** One listening connection and its thread. */
    private final class Listener extends Reconnecting implements Listening {
        private final String channel;
        private final String readSql;
        private final String startSql;
        private final Receiver receiver;
        /** Numbers at or above {@link #horizon} already delivered. */
        private final Set<Long> delivered = new HashSet<>();
        private long horizon;

        Listener(String channel, String table, Receiver receiver) {
            super("tokenstore-pg-changes-");
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
            cc.listen(quoted(channel));
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

    /** Waits up to {@code millis} for {@code thread} to end; true if it has (or is the caller). */
    private static boolean join(Thread thread, long millis) {
        if (Thread.currentThread() == thread) {
            return true;
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
