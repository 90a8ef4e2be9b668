package dev.tokenstore.redis.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of {@code n} masters (no replicas) for tests, formed with {@code CLUSTER MEET}
 * and {@code CLUSTER ADDSLOTS} alone (the 16384 slots split evenly), no {@code redis-cli}. A master
 * can be stopped and started again on its port with its node config, so it rejoins with its slots.
 */
public final class RedisCluster {
    private final List<RedisTestServer> nodes;

    private RedisCluster(List<RedisTestServer> nodes) {
        this.nodes = nodes;
    }

    static RedisCluster start(int masters) {
        List<RedisTestServer> nodes = new ArrayList<>();
        for (int i = 0; i < masters; i++) {
            nodes.add(RedisTestServer.startNew(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000", "--appendonly", "yes", "--appendfsync", "no")));
        }
        for (int i = 1; i < masters; i++) {
            nodes.get(i).command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(nodes.get(0).port()));
        }
        int per = 16384 / masters;
        for (int i = 0; i < masters; i++) {
            int from = i * per;
            int to = i == masters - 1 ? 16383 : from + per - 1;
            List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = from; slot <= to; slot++) {
                args.add(Integer.toString(slot));
            }
            nodes.get(i).command(args.toArray(String[]::new));
        }
        RedisCluster cluster = new RedisCluster(nodes);
        cluster.awaitOk();
        return cluster;
    }

    /** Waits until every node reports {@code cluster_state:ok} and knows every other. */
    public void awaitOk() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean ok = true;
            for (RedisTestServer n : nodes) {
                try {
                    String info = n.command("CLUSTER", "INFO");
                    ok &= info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + nodes.size());
                } catch (RuntimeException e) {
                    ok = false;
                }
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the test cluster did not become healthy");
            }
            RedisTestServer.sleep(50);
        }
    }

    public List<RedisTestServer> nodes() {
        return nodes;
    }

    /** The store URL: {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,…}. */
    public String url() {
        return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }
}
