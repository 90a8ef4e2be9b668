package dev.tokenstore.jdbc;

import dev.tokenstore.Arguments;
import dev.tokenstore.ChangeEvent;
import dev.tokenstore.ChangeListener;
import dev.tokenstore.ChangeSubscription;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscribers of one store's change feed. The transport (a change-log poller or a
 * {@link ChangeChannel} listener) runs only while someone is subscribed: it starts with the first
 * subscription and stops with the last. Payloads are decoded once and handed to every subscriber
 * on the transport's thread; a payload that cannot be decoded becomes a reset.
 */
final class ChangeHub implements ChangeChannel.Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeHub.class);
    /** How long {@link #subscribe} waits for the transport's first confirmation. */
    private static final long FIRST_CONFIRMATION_WAIT_MS = 2_000;

    private final String storeName;
    private final Function<ChangeChannel.Receiver, ChangeChannel.Listening> transport;
    private final CopyOnWriteArrayList<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long caughtUp = never();
    private volatile boolean unreachable;
    private volatile CountDownLatch firstConfirmation = new CountDownLatch(1);
    private ChangeChannel.Listening running; // guarded by this
    private boolean closed; // guarded by this

    ChangeHub(String storeName, Function<ChangeChannel.Receiver, ChangeChannel.Listening> transport) {
        this.storeName = storeName;
        this.transport = transport;
    }

    ChangeSubscription subscribe(ChangeListener listener) {
        Arguments.requireNonNull(listener, "listener");
        CountDownLatch confirmed;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(storeName + " is closed");
            }
            listeners.add(listener);
            if (running == null) {
                caughtUp = never();
                firstConfirmation = new CountDownLatch(1);
                running = transport.apply(this);
            }
            confirmed = firstConfirmation;
        }
        awaitQuietly(confirmed);
        return new Subscription(listener);
    }

    /** Stops the transport and drops every subscriber. */
    synchronized void close() {
        closed = true;
        listeners.clear();
        stopTransport();
    }

    @Override
    public void payload(String payload) {
        ChangeEvent event;
        try {
            event = ChangeCodec.decode(payload);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: a change-feed payload could not be read ({}); telling subscribers to reset", storeName,
                    e.getMessage());
            event = ChangeEvent.RESET;
        }
        deliver(event);
    }

    @Override
    public void reset(String reason) {
        LOG.debug("{}: change feed reset: {}", storeName, reason);
        deliver(ChangeEvent.RESET);
    }

    @Override
    public void caughtUp(long nanos) {
        caughtUp = nanos;
        unreachable = false;
        firstConfirmation.countDown();
    }

    @Override
    public void unreachable() {
        unreachable = true;
    }

    private void deliver(ChangeEvent event) {
        for (ChangeListener listener : listeners) {
            try {
                listener.onChange(event);
            } catch (RuntimeException e) {
                LOG.warn("{}: a change listener failed on {}; the others still get it", storeName, event, e);
            }
        }
    }

    private synchronized void unsubscribe(ChangeListener listener) {
        listeners.remove(listener);
        if (listeners.isEmpty()) {
            stopTransport();
        }
    }

    private void stopTransport() {
        if (running != null) {
            running.close();
            running = null;
        }
        caughtUp = never();
        unreachable = false;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(FIRST_CONFIRMATION_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A reading far enough in the past that any staleness check fails, without overflow. */
    private static long never() {
        return System.nanoTime() - Long.MAX_VALUE / 4;
    }

    private final class Subscription implements ChangeSubscription {
        private final ChangeListener listener;
        private volatile boolean active = true;

        Subscription(ChangeListener listener) {
            this.listener = listener;
        }

        @Override
        public long caughtUpNanos() {
            return active ? caughtUp : never();
        }

        @Override
        public boolean sourceUnreachable() {
            return active && unreachable;
        }

        @Override
        public void close() {
            if (active) {
                active = false;
                unsubscribe(listener);
            }
        }
    }
}
