package dev.tokenstore.tck.run;

import dev.tokenstore.redis.testing.RedisCluster;
import dev.tokenstore.redis.testing.RedisTestServer;
import dev.tokenstore.tck.TestStorage;
import org.junit.jupiter.api.DisplayName;

/**
 * Every kit, raw and wrapped, over the redis backend on a real 3-master Redis Cluster (formed by
 * the tests with CLUSTER MEET and ADDSLOTS; a key prefix per test): every script must stay in one
 * slot, every lookup by token crosses slots through its pointer key.
 */
@DisplayName("redis-cluster")
class RedisClusterTckTest extends BackendRuns {
    @Override
    TestStorage storage() {
        RedisCluster cluster = RedisTestServer.sharedCluster();
        return new RedisTestStorage(cluster.url(), cluster.nodes(), false, b -> b);
    }
}
