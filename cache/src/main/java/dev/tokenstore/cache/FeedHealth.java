package dev.tokenstore.cache;

import dev.tokenstore.ChangeSubscription;

/**
 * Whether the cache may answer from memory. Without a change feed, always. With one, only while
 * the feed has confirmed, within {@code maxStaleness}, that it delivered everything committed:
 * otherwise a write by another instance could be missed. Once the feed confirms again after a
 * lapse that a read noticed, everything cached is dropped before anything is served again.
 *
 * <p>Only when serving through an outage was chosen ({@code outageNanos} above zero), a feed
 * behind by more than {@code maxStaleness} but less than {@code outageNanos} still lets hits be
 * served while the database looks unavailable: the feed's own transport cannot reach it, or the
 * delegate reports it unavailable. Past {@code outageNanos} nothing is served from memory.
 */
final class FeedHealth {
    private final long maxStalenessNanos;
    private final long outageNanos;
    private final Runnable dropEverything;
    private final java.util.function.BooleanSupplier databaseUnavailable;
    private volatile ChangeSubscription subscription;
    private volatile boolean lapsed;

    /**
     * @param outageNanos         how long after the feed's last confirmation hits may be served while the
     *                            database looks unavailable; 0: never past {@code maxStalenessNanos}
     * @param databaseUnavailable whether the delegate reports its database unavailable
     */
    FeedHealth(long maxStalenessNanos, long outageNanos, Runnable dropEverything,
               java.util.function.BooleanSupplier databaseUnavailable) {
        this.maxStalenessNanos = maxStalenessNanos;
        this.outageNanos = outageNanos;
        this.dropEverything = dropEverything;
        this.databaseUnavailable = databaseUnavailable;
    }

    /** From now on, trust memory only while {@code feed} is caught up. */
    void watch(ChangeSubscription feed) {
        this.subscription = feed;
    }

    /** The subscription being watched, or null. */
    ChangeSubscription subscription() {
        return subscription;
    }

    /** How far behind the feed may be now (time since it last confirmed), or empty without a feed. */
    java.util.Optional<java.time.Duration> lag() {
        ChangeSubscription feed = subscription;
        return feed == null ? java.util.Optional.empty()
                : java.util.Optional.of(java.time.Duration.ofNanos(Math.max(0, System.nanoTime() - feed.caughtUpNanos())));
    }

    /** True if a cached answer may be served now. */
    boolean fresh() {
        ChangeSubscription feed = subscription;
        if (feed == null) {
            return true;
        }
        long behind = System.nanoTime() - feed.caughtUpNanos();
        if (behind < maxStalenessNanos) {
            if (lapsed) {
                recover();
            }
            return true;
        }
        if (behind < outageNanos && (feed.sourceUnreachable() || databaseUnavailable.getAsBoolean())) {
            return true;
        }
        lapsed = true;
        return false;
    }

    private synchronized void recover() {
        if (lapsed) {
            dropEverything.run();
            lapsed = false;
        }
    }
}
