package dev.tokenstore.spring;

import dev.tokenstore.CleanupRun;
import dev.tokenstore.CleanupScheduler;
import dev.tokenstore.TokenStore;
import dev.tokenstore.buffer.BufferStats;
import dev.tokenstore.buffer.BufferedTokenStore;
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
        List<TokenStore> layers = StoreLayers.of(store);
        TokenStore backend = layers.get(layers.size() - 1);
        long start = System.nanoTime();
        try {
            backend.loadClient(PROBE_CLIENT_ID);
            health.up().withDetail("answers", true);
        } catch (RuntimeException e) {
            health.down().withDetail("answers", false).withDetail("error", e.getClass().getName());
        }
        health.withDetail("probeMillis", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        for (BufferedTokenStore buffer : StoreLayers.all(store, BufferedTokenStore.class)) {
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
     * EXTENSION POINT — change feed. When the api gains {@code dev.tokenstore.ChangeFeed} (a
     * capability of the backend, and the cache's subscription to it with its "feed healthy"
     * notion), report here whether the feed is alive, e.g. find the layer that is a
     * {@code ChangeFeed} (or the {@code CachingTokenStore} subscribed to one) in {@code layers},
     * add {@code withDetail("changeFeed.alive", …)}, and set the status DOWN (or a custom
     * OUT_OF_SYNC) when a cache depends on a feed that is not alive. Until then: nothing to report.
     */
    void changeFeed(Health.Builder health, List<TokenStore> layers) {
        // no change feed in this version of the api
    }
}
