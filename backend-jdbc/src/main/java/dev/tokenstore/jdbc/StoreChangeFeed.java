package dev.tokenstore.jdbc;

import dev.tokenstore.Arguments;
import dev.tokenstore.ChangeListener;
import dev.tokenstore.ChangeSubscription;

/**
 * The change feed a store owns: subscriptions through its {@link ChangeHub} (whose poller or
 * listener thread runs only while someone is subscribed), the push channel if the backend has one,
 * and the single-instance mode ({@code jdbc.changeFeed=off}) in which nothing is published and a
 * subscription hears nothing and is always caught up, as nothing else writes.
 */
final class StoreChangeFeed implements AutoCloseable {
    private final ChangeHub hub;
    private final ChangeChannel channel;
    private final boolean on;

    StoreChangeFeed(ChangeHub hub, ChangeChannel channel, boolean on) {
        this.hub = hub;
        this.channel = channel;
        this.on = on;
    }

    ChangeSubscription subscribe(ChangeListener listener) {
        if (!on) {
            Arguments.requireNonNull(listener, "listener");
            return SingleInstance.SUBSCRIPTION;
        }
        return hub.subscribe(listener);
    }

    /** Stops the poller or listener and closes the push channel. */
    @Override
    public void close() {
        hub.close();
        if (channel != null) {
            channel.close();
        }
    }

    private enum SingleInstance implements ChangeSubscription {
        SUBSCRIPTION;

        @Override
        public long caughtUpNanos() {
            return System.nanoTime();
        }

        @Override
        public void close() {
        }
    }
}
