package dev.tokenstore.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One Lettuce client and its shared, multiplexed connection, standalone or cluster, seen through
 * the command interfaces both have. Scripts go by EVALSHA, loaded on first NOSCRIPT (each cluster
 * node loads its own). Commands fail at once while disconnected (no queueing), so an outage shows
 * at the caller instead of piling up.
 */
final class RedisLink implements AutoCloseable {
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> sync;
    private final RedisClusterAsyncCommands<String, String> async;
    private final boolean cluster;

    private RedisLink(AbstractRedisClient client, StatefulConnection<String, String> connection,
                      RedisClusterCommands<String, String> sync, RedisClusterAsyncCommands<String, String> async,
                      boolean cluster) {
        this.client = client;
        this.connection = connection;
        this.sync = sync;
        this.async = async;
        this.cluster = cluster;
    }

    /**
     * The event loops and timers every store of this JVM shares (Lettuce's advice: one set per
     * process); daemon threads, never shut down.
     */
    private static volatile io.lettuce.core.resource.ClientResources resources;

    private static io.lettuce.core.resource.ClientResources resources() {
        if (resources == null) {
            synchronized (RedisLink.class) {
                if (resources == null) {
                    // reconnect soon after a server comes back: 10 ms doubling up to 500 ms (Lettuce's
                    // default grows to 30 s, which keeps a store down long after its server is up)
                    resources = io.lettuce.core.resource.DefaultClientResources.builder()
                            .reconnectDelay(io.lettuce.core.resource.Delay.exponential(Duration.ofMillis(10),
                                    Duration.ofMillis(500), 2, java.util.concurrent.TimeUnit.MILLISECONDS))
                            .build();
                }
            }
        }
        return resources;
    }

    static RedisLink open(RedisUrl url, Duration timeout) {
        SocketOptions socket = SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        if (url.cluster()) {
            RedisClusterClient c = RedisClusterClient.create(resources(), url.uris());
            // Cluster: node connections are made lazily and while one connects its commands would be
            // rejected, so commands wait for a (re)connect up to the timeout instead; an outage still
            // shows at the caller within the timeout, and then the breaker fails fast.
            c.setOptions(ClusterClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(5)).build())
                    .build());
            try {
                StatefulRedisClusterConnection<String, String> conn = c.connect();
                conn.getPartitions().forEach(node -> conn.getConnection(node.getNodeId()));
                return new RedisLink(c, conn, conn.sync(), conn.async(), true);
            } catch (RuntimeException e) {
                c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                throw e;
            }
        }
        RedisClient c = RedisClient.create(resources(), url.uris().get(0));
        c.setOptions(ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        try {
            StatefulRedisConnection<String, String> conn = c.connect();
            return new RedisLink(c, conn, conn.sync(), conn.async(), false);
        } catch (RuntimeException e) {
            c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw e;
        }
    }

    boolean cluster() {
        return cluster;
    }

    /**
     * Waits up to {@code timeout} for the connection to be up again (the breaker's probe does, so
     * that a probe after the server came back is not refused merely because Lettuce has not
     * reconnected yet).
     */
    void awaitConnected(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!connection.isOpen() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    RedisClusterCommands<String, String> sync() {
        return sync;
    }

    RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /** A pub/sub connection of this client (cluster: to one node; PUBLISH reaches every node). */
    StatefulConnection<String, String> pubSub(RedisPubSubListener<String, String> listener, String channel) {
        if (client instanceof RedisClusterClient c) {
            var conn = c.connectPubSub();
            conn.addListener(listener);
            conn.sync().subscribe(channel);
            return conn;
        }
        StatefulRedisPubSubConnection<String, String> conn = ((RedisClient) client).connectPubSub();
        conn.addListener(listener);
        conn.sync().subscribe(channel);
        return conn;
    }

    /** Runs a script on the slot of {@code keys[0]}, synchronously. */
    @SuppressWarnings("unchecked")
    <T> T eval(Script script, ScriptOutputType type, String[] keys, String... args) {
        try {
            return (T) sync.evalsha(script.sha(), type, keys, args);
        } catch (RedisNoScriptException e) {
            return (T) sync.eval(script.source(), type, keys, args);
        }
    }

    /** Runs a script asynchronously (pipelined with the other commands in flight). */
    @SuppressWarnings("unchecked")
    <T> CompletionStage<T> evalAsync(Script script, ScriptOutputType type, String[] keys, String... args) {
        CompletableFuture<T> first = (CompletableFuture<T>) async.evalsha(script.sha(), type, keys, args)
                .toCompletableFuture();
        return first.handle((v, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(v);
            }
            if (RedisFailures.unwrap(e) instanceof RedisNoScriptException) {
                return (CompletableFuture<T>) async.eval(script.source(), type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.<T>failedFuture(RedisFailures.unwrap(e));
        }).thenCompose(f -> f);
    }

    /** A script's source and SHA-1. */
    record Script(String source, String sha) {
        static Script of(String source) {
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-1")
                        .digest(source.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return new Script(source, java.util.HexFormat.of().formatHex(d));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
