package dev.tokenstore.postgres;

import dev.tokenstore.TokenHash;
import dev.tokenstore.jdbc.ChangeChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed over PostgreSQL {@code LISTEN}/{@code NOTIFY}. A write sends
 * {@code pg_notify(channel, payload)} inside its own transaction, together with its {@code COMMIT}
 * in one round trip, so the payload goes out exactly when it commits, in commit order (the notify
 * queue is ordered by commit), and the feed adds no round trip to a write. Each listening store
 * has one connection of its own, outside the pool, on a daemon thread
 * ({@code tokenstore-pg-changes-N}). That thread pings itself through the same channel every
 * heartbeat: when its ping comes back, everything committed before the ping was sent has been
 * delivered, which is what "caught up" means. On any failure it reconnects with back-off
 * (100 ms doubling to 5 s) and, after every connect, tells the receiver to reset, since
 * notifications sent while it was not listening are lost. The channel name is the engine's topic,
 * qualified by the schema, and hashed if longer than PostgreSQL's 63-byte identifiers.
 */
final class PostgresChangeChannel implements ChangeChannel {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeChannel.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** PostgreSQL refuses payloads of 8000 bytes or more; leave room. */
    static final int MAX_PAYLOAD_BYTES = 7_900;
    private static final String PING = "ping:";
    private static final long MIN_BACKOFF_NANOS = 100_000_000L;
    private static final long MAX_BACKOFF_NANOS = 5_000_000_000L;

    /** Opens the listener's own connection. */
    @FunctionalInterface
    interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private final String schema;
    private final ConnectionFactory connections;
    private final String description;
    private final long heartbeatNanos;

    PostgresChangeChannel(String schema, ConnectionFactory connections, String description, long heartbeatMillis) {
        this.schema = schema;
        this.connections = connections;
        this.description = description;
        this.heartbeatNanos = heartbeatMillis * 1_000_000L;
    }

    @Override
    public int maxPayloadBytes() {
        return MAX_PAYLOAD_BYTES;
    }

    @Override
    public void publish(Connection connection, String topic, List<String> payloads) throws SQLException {
        if (payloads.isEmpty()) {
            return;
        }
        // One message to the server, not two: pgjdbc sends both statements with one Sync, and the
        // engine's commit that follows finds the transaction already ended. Should pg_notify fail,
        // the server skips the COMMIT and the engine rolls back.
        boolean one = payloads.size() == 1;
        try (PreparedStatement ps = connection.prepareStatement(one ? NOTIFY_ONE_AND_COMMIT : NOTIFY_MANY_AND_COMMIT)) {
            ps.setString(1, channelName(topic));
            if (one) {
                ps.setString(2, payloads.get(0));
            } else {
                ps.setArray(2, connection.createArrayOf("text", payloads.toArray()));
            }
            ps.execute();
        }
    }

    private static final String NOTIFY_ONE_AND_COMMIT = "SELECT pg_notify(?, ?); COMMIT";
    private static final String NOTIFY_MANY_AND_COMMIT =
            "SELECT pg_notify(?, p) FROM unnest(?::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n; COMMIT";

    @Override
    public Listening listen(String topic, Receiver receiver) {
        Listener listener = new Listener(channelName(topic), receiver);
        listener.thread.start();
        return listener;
    }

    /** The notify channel of a topic: {@code schema.topic}, or a hash of it past 63 bytes. */
    String channelName(String topic) {
        String name = (schema == null ? "" : schema + ".") + topic;
        return name.length() <= 63 ? name : "tokenstore_" + TokenHash.sha256Hex(name).substring(0, 32);
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** One listening connection and its thread. */
    private final class Listener implements Listening, Runnable {
        private final String channel;
        private final Receiver receiver;
        private final Thread thread;
        private final String nonce = UUID.randomUUID().toString();
        private volatile boolean closed;
        private volatile Connection connection;
        private long pings;

        Listener(String channel, Receiver receiver) {
            this.channel = channel;
            this.receiver = receiver;
            this.thread = new Thread(this, "tokenstore-pg-changes-" + THREADS.incrementAndGet());
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            long backoff = MIN_BACKOFF_NANOS;
            boolean failing = false;
            while (!closed) {
                try (Connection c = connections.open()) {
                    connection = c;
                    PGConnection pg = c.unwrap(PGConnection.class);
                    try (Statement st = c.createStatement()) {
                        st.execute("SET synchronous_commit = off"); // pings need not wait for the disk
                        st.execute("LISTEN " + quoted(channel));
                    }
                    if (failing) {
                        LOG.info("{}: listening for changes again", description);
                        failing = false;
                    }
                    backoff = MIN_BACKOFF_NANOS;
                    receiver.reset("(re)connected: notifications sent while not listening are lost");
                    listen(c, pg);
                } catch (SQLException | RuntimeException e) {
                    if (closed) {
                        break;
                    }
                    if (!failing) {
                        LOG.warn("{}: the change listener lost its connection; reconnecting, and caches treat the feed "
                                + "as behind until then ({}, SQLState {})", description, e.getClass().getName(),
                                e instanceof SQLException sql ? sql.getSQLState() : "-");
                        failing = true;
                    }
                } finally {
                    connection = null;
                }
                if (!closed) {
                    LockSupport.parkNanos(this, backoff);
                    backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
                }
            }
        }

        /** Pings every heartbeat and hands notifications over, until closed or the connection fails. */
        private void listen(Connection c, PGConnection pg) throws SQLException {
            String pending = null;
            long pendingSent = 0;
            long lastPing = System.nanoTime() - heartbeatNanos;
            while (!closed) {
                long now = System.nanoTime();
                if (pending != null && now - pendingSent > 20 * heartbeatNanos + 5_000_000_000L) {
                    throw new SQLException("no answer to the change listener's ping", "08006");
                }
                if (pending == null && now - lastPing >= heartbeatNanos) {
                    pending = PING + nonce + ":" + (++pings);
                    pendingSent = now;
                    lastPing = now;
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                        ps.setString(1, channel);
                        ps.setString(2, pending);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                        }
                    }
                }
                long waitMillis = Math.max(1, (lastPing + heartbeatNanos - System.nanoTime()) / 1_000_000L);
                PGNotification[] notifications = pg.getNotifications((int) Math.min(waitMillis, Integer.MAX_VALUE));
                if (notifications == null) {
                    continue;
                }
                for (PGNotification n : notifications) {
                    String payload = n.getParameter();
                    if (payload.startsWith(PING)) {
                        if (payload.equals(pending)) {
                            receiver.caughtUp(pendingSent);
                            pending = null;
                        }
                    } else {
                        receiver.payload(payload);
                    }
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            Connection c = connection;
            if (c != null) {
                try {
                    c.close(); // wakes the thread out of getNotifications
                } catch (SQLException e) {
                    LOG.debug("{}: closing the change listener's connection failed", description, e);
                }
            }
            LockSupport.unpark(thread);
            if (Thread.currentThread() != thread) {
                try {
                    thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public String toString() {
            return "listener of " + channel.toLowerCase(Locale.ROOT);
        }
    }
}
