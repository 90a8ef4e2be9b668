package dev.tokenstore.buffer;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The buffer's one flusher thread: takes each due batch from the {@link BatchQueue} and commits it
 * ({@link BatchCommit}: retries, settling, listeners) until the queue says to stop. It sees the
 * buffer only through those two.
 */
final class Flusher implements Runnable {
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();

    private final BatchQueue queue;
    private final BatchCommit commit;
    private final Thread thread;

    Flusher(BatchQueue queue, BatchCommit commit) {
        this.queue = queue;
        this.commit = commit;
        this.thread = new Thread(this, "tokenstore-buffer-flusher-" + THREAD_NUMBERS.incrementAndGet());
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean isFlusherThread() {
        return Thread.currentThread() == thread;
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /**
     * Waits for the thread to end, at most until {@code deadlineNanos} ({@link System#nanoTime()};
     * {@link Long#MAX_VALUE} for no limit). Interrupts are remembered, not obeyed.
     *
     * @return true if it ended
     */
    boolean awaitEnd(long deadlineNanos) {
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                try {
                    if (deadlineNanos == Long.MAX_VALUE) {
                        thread.join();
                    } else {
                        long left = deadlineNanos - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        TimeUnit.NANOSECONDS.timedJoin(thread, left);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        try {
            List<PendingWrite> batch;
            while ((batch = queue.nextBatch()) != null) {
                commit.commit(batch);
            }
        } catch (Throwable t) {
            queue.die(t);
        }
    }
}
