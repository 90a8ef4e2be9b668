package dev.tokenstore;

import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChangeFeed} within one process: {@link #publish} hands an event to every subscriber on
 * the calling thread, so a subscriber is always caught up. A listener that throws is logged and
 * the others still get the event.
 */
final class LocalChangeFeed implements ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(LocalChangeFeed.class);
    private final CopyOnWriteArrayList<ChangeListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public ChangeSubscription subscribe(ChangeListener listener) {
        Checks.requireNonNull(listener, "listener");
        listeners.add(listener);
        return new ChangeSubscription() {
            @Override
            public long caughtUpNanos() {
                return System.nanoTime();
            }

            @Override
            public void close() {
                listeners.remove(listener);
            }
        };
    }

    /** True while anyone is subscribed (a writer with no one to tell need not collect what it changed). */
    boolean hasListeners() {
        return !listeners.isEmpty();
    }

    /** Delivers {@code event} to every subscriber now (nothing if it is empty). */
    void publish(ChangeEvent event) {
        if (event.isEmpty()) {
            return;
        }
        for (ChangeListener listener : listeners) {
            try {
                listener.onChange(event);
            } catch (RuntimeException e) {
                LOG.warn("A change listener failed on {}; the other listeners still get it", event, e);
            }
        }
    }
}
