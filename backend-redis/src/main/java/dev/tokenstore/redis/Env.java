package dev.tokenstore.redis;

import java.time.Clock;

/**
 * What the store's parts share: the connection, the key layout, the codec, the clock, the TTL
 * margin (how far beyond the clock-judged expiry Redis keeps a key, for reclamation only) and the
 * command timeout.
 */
record Env(RedisLink link, Keys keys, Codec codec, Clock clock, long marginMillis, long timeoutMillis,
           long reuseGraceMillis) {

    long now() {
        return clock.instant().toEpochMilli();
    }

    /** A TTL for a key whose content dies at {@code expiresAtMillis} (never below the margin). */
    long ttl(long expiresAtMillis, long now) {
        return Math.max(expiresAtMillis - now, 0) + marginMillis;
    }

    <T> T await(java.util.concurrent.CompletionStage<T> stage) {
        return Futures.await(stage, timeoutMillis + 1000);
    }

    <T> java.util.List<T> awaitAll(java.util.List<? extends java.util.concurrent.CompletionStage<T>> stages) {
        return Futures.awaitAll(stages, timeoutMillis + 1000);
    }
}
