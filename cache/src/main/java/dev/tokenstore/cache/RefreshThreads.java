package dev.tokenstore.cache;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the cache's background refresh thread and keeps it from holding the JVM open. */
final class RefreshThreads implements ThreadFactory {
    private static final AtomicInteger COUNT = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, "tokenstore-cache-refresh-" + COUNT.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
