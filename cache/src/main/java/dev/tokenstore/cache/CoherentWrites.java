package dev.tokenstore.cache;

import dev.tokenstore.ChangeEvent;
import java.util.function.Supplier;

/**
 * The cache's write path: a delegate write runs, then every key it touched is invalidated (also
 * when it failed), from the {@link Changes} it collected; changes committed by other instances
 * arrive from the change feed in the same {@link ChangeEvent} shape and invalidate alike, and a
 * reset (changes may have been missed) drops everything.
 */
final class CoherentWrites {
    private final SessionCache sessions;
    private final ClientCache clients;
    private final Counters counters;

    CoherentWrites(SessionCache sessions, ClientCache clients, Counters counters) {
        this.sessions = sessions;
        this.clients = clients;
        this.counters = counters;
    }

    void write(Changes changes, Runnable work) {
        write(changes, () -> {
            work.run();
            return null;
        });
    }

    /** Runs a delegate write, then invalidates what it touched — also when it failed. */
    <T> T write(Changes changes, Supplier<T> work) {
        try {
            return work.get();
        } finally {
            invalidate(changes.event());
        }
    }

    /** Applies a change committed through any instance over the delegate's data (the feed's subscriber). */
    void onChange(ChangeEvent event) {
        if (event.isReset()) {
            dropEverything();
            counters.invalidations.increment();
            return;
        }
        invalidate(event);
    }

    private void invalidate(ChangeEvent event) {
        sessions.invalidate(event);
        event.clientIds().forEach(clients::invalidate);
        counters.invalidations.add(event.sessionIdHashes().size() + event.tokenHashes().size()
                + event.userIdHashes().size() + event.clientIds().size());
    }

    /** Drops every cached session and client; loads in flight are not cached. */
    void dropEverything() {
        sessions.reset();
        clients.clear();
    }
}
