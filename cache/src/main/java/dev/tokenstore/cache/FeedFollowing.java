package dev.tokenstore.cache;

import dev.tokenstore.Availability;
import dev.tokenstore.ChangeListener;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.ChangeSubscription;
import dev.tokenstore.DatabaseHealth;
import dev.tokenstore.TokenStore;
import java.time.Duration;
import java.util.Optional;

/**
 * The cache's side of its delegate's {@link ChangeFeed}: whether it follows one (the delegate has a
 * feed and following was not turned off), the {@link FeedHealth} that decides whether memory may
 * answer (with the delegate's {@link DatabaseHealth}, if any, for serving through an outage), the
 * subscription made once the cache is fully built, and its end when the cache closes.
 */
final class FeedFollowing {
    private final ChangeFeed feed;
    private final FeedHealth health;

    /**
     * @param follow         whether to follow the delegate's feed if it has one
     * @param dropEverything what to do when memory may have gone stale (the feed confirms again after a lapse)
     */
    FeedFollowing(TokenStore delegate, boolean follow, Duration maxStaleness, Duration outageServing,
            Runnable dropEverything) {
        this.feed = follow ? delegate.features().changeFeed().orElse(null) : null;
        DatabaseHealth database = delegate.features().databaseHealth().orElse(null);
        this.health = new FeedHealth(ClockTicker.nanos(maxStaleness), ClockTicker.nanos(outageServing), dropEverything,
                database != null ? () -> database.availability().state() != Availability.State.CLOSED : () -> false);
    }

    FeedHealth health() {
        return health;
    }

    /** True if the cache follows a feed (it subscribes on {@link #start}). */
    boolean follows() {
        return feed != null;
    }

    /** Subscribes {@code onChange} to the feed, if following one; call once the cache is fully built. */
    void start(ChangeListener onChange) {
        if (feed != null) {
            health.watch(feed.subscribe(onChange));
        }
    }

    /** True while subscribed. */
    boolean subscribed() {
        return health.subscription() != null;
    }

    /** How long ago the feed last confirmed it had delivered everything committed, or empty without one. */
    Optional<Duration> lag() {
        return health.lag();
    }

    /** Ends the subscription, if any. */
    void stop() {
        ChangeSubscription subscription = health.subscription();
        if (subscription != null) {
            subscription.close();
        }
    }
}
