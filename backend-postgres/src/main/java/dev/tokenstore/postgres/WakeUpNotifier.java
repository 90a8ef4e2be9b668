package dev.tokenstore.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Sends one wake-up for however many commits flagged it since the last one. */
final class WakeUpNotifier extends ReconnectingThread {
    private static final long WAKEUP_SPACING_NANOS = 2_000_000L;

    private final String channel;
    private final AtomicInteger flagged = new AtomicInteger();

    WakeUpNotifier(String channel, PostgresChangeChannel.ConnectionFactory connections, String description) {
        super("tokenstore-pg-wakeup-", connections, description);
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
