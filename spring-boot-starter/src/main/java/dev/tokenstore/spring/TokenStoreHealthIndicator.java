package dev.tokenstore.spring;

import dev.tokenstore.CleanupRun;
import dev.tokenstore.CleanupScheduler;
import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.BufferStats;
import dev.tokenstore.buffer.BufferedTokenStore;
import dev.tokenstore.cache.CachingTokenStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Actuator health of the {@link TokenStore} bean: UP when the backend under any wrappers answers a
 * read (a client lookup of a fixed id that never exists), DOWN with the failure's type when it
 * does not. Details: the time the probe took, each buffer's pending writes and failures, and the
 * last cleanup round. Never a token, id, user or database message.
 */
public class TokenStoreHealthIndicator extends AbstractHealthIndicator {
    static final String PROBE_CLIENT_ID = "tokenstore-health-probe";

    private final TokenStore store;
    private final CleanupScheduler cleanup;

    /** Health of {@code store}; {@code cleanup} may be null. */
    public TokenStoreHealthIndicator(TokenStore store, CleanupScheduler cleanup) {
        super("tokenstore health check failed");
        this.store = store;
        this.cleanup = cleanup;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        List<TokenStore> layers = store.layers();
        TokenStore backend = layers.get(layers.size() - 1);
        long start = System.nanoTime();
        try {
            backend.loadClient(PROBE_CLIENT_ID);
            health.up().withDetail("answers", true);
        } catch (RuntimeException e) {
            health.down().withDetail("answers", false).withDetail("error", e.getClass().getName());
        }
        health.withDetail("probeMillis", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        for (BufferedTokenStore buffer : layersOf(layers, BufferedTokenStore.class)) {
            BufferStats stats = buffer.stats();
            health.withDetail("buffer.pending", stats.pending()).withDetail("buffer.failures", stats.failures());
        }
        if (cleanup != null) {
            cleanup.lastRun().ifPresent(run -> lastCleanup(health, run));
        }
        changeFeed(health, layers);
    }

    private static void lastCleanup(Health.Builder health, CleanupRun run) {
        health.withDetail("cleanup.lastRun", run.startedAt().toString())
                .withDetail("cleanup.lastOutcome", run.outcome().name());
    }

    /**
     * The change feed, for each cache that follows one: {@code changeFeed.lagMillis} (since the feed
     * last confirmed it delivered everything committed) and {@code changeFeed.alive} (lag within
     * the cache's {@code maxStaleness}). A cache whose feed is not alive still answers, from the
     * database instead of memory, so the status stays as the probe found it.
     */
    void changeFeed(Health.Builder health, List<TokenStore> layers) {
        for (CachingTokenStore cache : layersOf(layers, CachingTokenStore.class)) {
            cache.changeFeedLag().ifPresent(lag -> health
                    .withDetail("changeFeed.lagMillis", lag.toMillis())
                    .withDetail("changeFeed.alive", lag.compareTo(cache.maxStaleness()) < 0));
        }
    }

    private static <T> List<T> layersOf(List<TokenStore> layers, Class<T> type) {
        return layers.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
