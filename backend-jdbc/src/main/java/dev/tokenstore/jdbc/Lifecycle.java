package dev.tokenstore.jdbc;

import java.util.concurrent.atomic.AtomicBoolean;

/** Open/closed state of a store, shared by its runners. */
final class Lifecycle {
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String storeName;

    Lifecycle(String storeName) {
        this.storeName = storeName;
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(storeName + " is closed");
        }
    }

    /** Marks the store closed; true only for the first call. */
    boolean close() {
        return closed.compareAndSet(false, true);
    }

    boolean isClosed() {
        return closed.get();
    }
}
