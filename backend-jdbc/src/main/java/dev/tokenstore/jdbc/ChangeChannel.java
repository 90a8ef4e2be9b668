package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A push transport for the change feed of a {@link JdbcTokenStore} (PostgreSQL's
 * {@code LISTEN}/{@code NOTIFY}), used instead of the polled change-log table when a backend hands
 * one to {@link JdbcTokenStore.Builder#changeChannel}.
 *
 * <p>Contract: {@link #publish} runs inside the writing transaction, so a payload is delivered
 * only if that transaction commits; every listener of every store instance over the same data
 * receives every committed payload, in commit order, at least once; when payloads may have been
 * missed (a reconnect) the receiver is told with {@link Receiver#reset}. The engine names a topic
 * per set of tables ({@code <tablePrefix>changes}); a channel keeps topics apart (and, on a server,
 * schemas too).
 */
public interface ChangeChannel {

    /** Largest payload {@link #publish} accepts, in UTF-8 bytes; the engine splits events to fit. */
    int maxPayloadBytes();

    /**
     * Sends the payloads on {@code topic} inside the caller's write transaction, on its connection.
     * The engine calls this once per write transaction, with all its changes, as the transaction's
     * last statement right before it commits it. A channel may therefore end the transaction itself
     * in the same round trip as the payloads (PostgreSQL's sends {@code SELECT pg_notify(…); COMMIT}
     * as one message, so the feed costs a write no extra round trip); the engine's commit that
     * follows then finds nothing left to commit, which {@link Connection#commit()} allows. If this
     * throws, the engine rolls the transaction back.
     */
    void publish(Connection connection, String topic, List<String> payloads) throws SQLException;

    /**
     * Starts delivering every payload published on {@code topic} (by every store instance) to
     * {@code receiver} on a background thread of the channel's own, until the result is closed.
     */
    Listening listen(String topic, Receiver receiver);

    /** Where a channel delivers; called from the channel's thread. */
    interface Receiver {

        /** One published payload. */
        void payload(String payload);

        /** Payloads may have been missed (after a reconnect, or on the first connect). */
        void reset(String reason);

        /** Every payload committed before this {@link System#nanoTime()} reading has been delivered. */
        void caughtUp(long nanos);
    }

    /** A running listener; closing it stops the thread and releases its connection. Idempotent. */
    interface Listening extends AutoCloseable {
        @Override
        void close();
    }
}
