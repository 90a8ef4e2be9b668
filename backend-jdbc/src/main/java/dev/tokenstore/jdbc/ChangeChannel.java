package dev.tokenstore.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A transport for the change feed of a {@link JdbcTokenStore} that a backend hands to
 * {@link JdbcTokenStore.Builder#changeChannel} instead of the engine's polled change log
 * (PostgreSQL's: a row per transaction plus a {@code LISTEN}/{@code NOTIFY} wake-up).
 *
 * <p>Contract: {@link #publish} runs inside the writing transaction, so a payload is delivered
 * only if that transaction commits; every listener of every store instance over the same data
 * receives every committed payload at least once; when payloads may have been missed (a
 * reconnect) the receiver is told with {@link Receiver#reset}. The topic is the name of the
 * engine's change-log table ({@code <tablePrefix>change_log}: {@code seq BIGINT} primary key,
 * {@code created_at BIGINT}, {@code payload} text), which a channel may use to keep its payloads;
 * the engine prunes that table by {@code created_at} (pruning never removes the row with the
 * largest {@code seq}). A channel keeps topics apart (and, on a server, schemas too).
 */
public interface ChangeChannel {

    /** Largest payload {@link #publish} accepts, in UTF-8 bytes; the engine splits events to fit. */
    int maxPayloadBytes();

    /**
     * Sends the payloads on {@code topic} inside the caller's write transaction, on its connection.
     * The engine calls this once per write transaction, with all its changes, as the transaction's
     * last statement right before it commits it; {@code nowMillis} is the store clock's time. A
     * channel may therefore end the transaction itself in the same round trip as the payloads
     * (PostgreSQL's sends its insert and {@code COMMIT} as one message, so the feed costs a write
     * no extra round trip); the engine's commit that follows then finds nothing left to commit,
     * which {@link Connection#commit()} allows. If this throws, the engine rolls the transaction back.
     */
    void publish(Connection connection, String topic, long nowMillis, List<String> payloads) throws SQLException;

    /**
     * Called on the writing thread after a transaction that {@linkplain #publish published} on
     * {@code topic} committed; must not block (PostgreSQL's wakes its notifier thread). Default: nothing.
     */
    default void committed(String topic) {
    }

    /**
     * Starts delivering every payload published on {@code topic} (by every store instance) to
     * {@code receiver} on a background thread of the channel's own, until the result is closed.
     */
    Listening listen(String topic, Receiver receiver);

    /** Releases what the channel holds beyond its listeners (threads, connections); called when the store closes. */
    default void close() {
    }

    /** Where a channel delivers; called from the channel's thread. */
    interface Receiver {

        /** One published payload. */
        void payload(String payload);

        /** Payloads may have been missed (after a reconnect, or on the first connect). */
        void reset(String reason);

        /** Every payload committed before this {@link System#nanoTime()} reading has been delivered. */
        void caughtUp(long nanos);

        /**
         * An attempt to reach the database (connect, or read) failed at the connection level; the
         * next {@link #caughtUp} ends that. Default: nothing.
         */
        default void unreachable() {
        }
    }

    /** A running listener; closing it stops the thread and releases its connection. Idempotent. */
    interface Listening extends AutoCloseable {
        @Override
        void close();
    }
}
