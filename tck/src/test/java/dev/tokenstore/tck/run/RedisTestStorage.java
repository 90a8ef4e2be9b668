package dev.tokenstore.tck.run;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.redis.RedisTokenStore;
import dev.tokenstore.redis.testing.RedisTestServer;
import dev.tokenstore.tck.TestStorage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Storage on a real Redis (a standalone server or the masters of a cluster): a key prefix of its
 * own per test, its keys deleted when dropped. The tamper hooks work on the keys as someone with
 * write access to Redis but no key would: through plain connections to each node, with SCAN.
 */
final class RedisTestStorage implements TestStorage {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String url;
    private final List<RedisTestServer> nodes;
    private final boolean stoppable;
    private final String prefix = "t" + COUNTER.incrementAndGet();
    private final UnaryOperator<TokenStoreOptions.Builder> extra;

    RedisTestStorage(String url, List<RedisTestServer> nodes, boolean stoppable,
                     UnaryOperator<TokenStoreOptions.Builder> extra) {
        this.url = url;
        this.nodes = nodes;
        this.stoppable = stoppable;
        this.extra = extra;
    }

    @Override
    public TokenStore open(TokenStoreOptions options) {
        return RedisTokenStore.open(extra.apply(options.toBuilder().url(url).property("redis.prefix", prefix)).build());
    }

    /** Runs {@code work} with a plain connection to each node. */
    private void onEachNode(java.util.function.Consumer<RedisCommands<String, String>> work) {
        for (RedisTestServer node : nodes) {
            onNode(node, work);
        }
    }

    /** One plain connection per node port for the whole JVM (they reconnect after a restart). */
    private static final Map<Integer, StatefulRedisConnection<String, String>> CONNECTIONS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final RedisClient CLIENT = RedisClient.create();

    private List<String> keys(RedisCommands<String, String> r) {
        List<String> keys = new ArrayList<>();
        ScanIterator<String> it = ScanIterator.scan(r, ScanArgs.Builder.matches(prefix + ":*").limit(500));
        it.forEachRemaining(keys::add);
        keys.sort(null);
        return keys;
    }

    /** The kind of record a key holds ("s", "st", "co", "r", "clients"), or null. */
    private static String kind(String key) {
        int close = key.indexOf("}:");
        if (close < 0) {
            return null;
        }
        String rest = key.substring(close + 2);
        if (rest.equals("clients")) {
            return "clients";
        }
        int colon = rest.indexOf(':');
        return colon < 0 ? null : rest.substring(0, colon);
    }

    private static boolean encrypted(String v) {
        return v != null && (v.startsWith("ts1:") || v.startsWith("ts2:"));
    }

    @Override
    public Optional<byte[]> rawBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        onEachNode(r -> {
            for (String key : keys(r)) {
                StringBuilder b = new StringBuilder(key).append('\n');
                switch (r.type(key)) {
                    case "string" -> b.append(r.get(key));
                    case "hash" -> r.hgetall(key).forEach((f, v) -> b.append(f).append('=').append(v).append('\n'));
                    case "zset" -> {
                        for (ScoredValue<String> v : r.zrangeWithScores(key, 0, -1)) {
                            b.append(v.getValue()).append(' ').append(v.getScore()).append('\n');
                        }
                    }
                    case "stream" -> {
                        for (StreamMessage<String, String> m : r.xrange(key, io.lettuce.core.Range.create("-", "+"))) {
                            b.append(m.getBody()).append('\n');
                        }
                    }
                    default -> b.append("(type ").append(r.type(key)).append(')');
                }
                out.writeBytes(b.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return Optional.of(out.toByteArray());
    }

    @Override
    public Optional<Integer> corruptEncryptedValues() {
        int[] changed = {0};
        onEachNode(r -> {
            for (String key : keys(r)) {
                if (!"hash".equals(r.type(key))) {
                    continue;
                }
                r.hgetall(key).forEach((f, v) -> {
                    if (encrypted(v)) {
                        int at = v.length() - 5;
                        char c = v.charAt(at) == 'A' ? 'B' : 'A';
                        r.hset(key, f, v.substring(0, at) + c + v.substring(at + 1));
                        changed[0]++;
                    }
                });
            }
        });
        return Optional.of(changed[0]);
    }

    /** A place where an encrypted value lives: its key and field. */
    private record Cell(RedisTestServer node, String key, String field, String value) {
    }

    private List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (RedisTestServer node : nodes) {
            onNode(node, r -> {
                for (String key : keys(r)) {
                    if (kind(key) != null && "hash".equals(r.type(key))) {
                        r.hgetall(key).forEach((f, v) -> {
                            if (encrypted(v)) {
                                cells.add(new Cell(node, key, f, v));
                            }
                        });
                    }
                }
            });
        }
        return cells;
    }

    private void onNode(RedisTestServer node, java.util.function.Consumer<RedisCommands<String, String>> work) {
        StatefulRedisConnection<String, String> c = CONNECTIONS.computeIfAbsent(node.port(),
                port -> CLIENT.connect(io.lettuce.core.RedisURI.create("redis://127.0.0.1:" + port)));
        work.accept(c.sync());
    }

    private void put(Cell cell, String value) {
        onNode(cell.node, r -> r.hset(cell.key, cell.field, value));
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenRows() {
        Map<String, List<Cell>> byColumn = new LinkedHashMap<>();
        for (Cell c : cells()) {
            String column = "clients".equals(kind(c.key)) ? "clients" : kind(c.key) + "." + c.field;
            byColumn.computeIfAbsent(column, k -> new ArrayList<>()).add(c);
        }
        int swapped = 0;
        for (List<Cell> column : byColumn.values()) {
            if (column.size() >= 2) {
                put(column.get(0), column.get(1).value);
                put(column.get(1), column.get(0).value);
                swapped++;
            }
        }
        return Optional.of(swapped);
    }

    @Override
    public Optional<Integer> swapEncryptedValuesBetweenColumns() {
        Map<String, List<Cell>> byRow = new LinkedHashMap<>();
        for (Cell c : cells()) {
            if (!"clients".equals(kind(c.key))) {
                byRow.computeIfAbsent(c.key, k -> new ArrayList<>()).add(c);
            }
        }
        int swapped = 0;
        for (List<Cell> row : byRow.values()) {
            if (row.size() >= 2) {
                put(row.get(0), row.get(1).value);
                put(row.get(1), row.get(0).value);
                swapped++;
            }
        }
        return Optional.of(swapped);
    }

    /**
     * Points each of two sessions' token hashes at the other: the hash fields of the session
     * records change places, and so do the pointer keys' targets (the index a lookup goes through).
     */
    @Override
    public Optional<Integer> swapTokenHashesBetweenRows() {
        List<String[]> sessions = new ArrayList<>(); // node index, key, ah, rh, sid
        for (int n = 0; n < nodes.size(); n++) {
            int node = n;
            onNode(nodes.get(n), r -> {
                for (String key : keys(r)) {
                    if ("s".equals(kind(key)) && "hash".equals(r.type(key))) {
                        Map<String, String> h = r.hgetall(key);
                        sessions.add(new String[] {Integer.toString(node), key, h.get("ah"), h.get("rh"),
                                key.substring(key.lastIndexOf(':') + 1)});
                    }
                }
            });
        }
        if (sessions.size() < 2) {
            return Optional.of(0);
        }
        String[] a = sessions.get(0);
        String[] b = sessions.get(1);
        int swapped = 0;
        for (String[] field : new String[][] {{"ah", "2", "a"}, {"rh", "3", "f"}}) {
            int i = Integer.parseInt(field[1]);
            if (a[i].isEmpty() || b[i].isEmpty()) {
                continue;
            }
            onNode(nodes.get(Integer.parseInt(a[0])), r -> r.hset(a[1], field[0], b[i]));
            onNode(nodes.get(Integer.parseInt(b[0])), r -> r.hset(b[1], field[0], a[i]));
            setAnywhere(prefix + ":{" + prefix + ":" + field[2] + ":" + b[i] + "}", a[4]);
            setAnywhere(prefix + ":{" + prefix + ":" + field[2] + ":" + a[i] + "}", b[4]);
            swapped++;
        }
        return Optional.of(swapped);
    }

    /** SET on whichever node owns the key (the others answer MOVED). */
    private void setAnywhere(String key, String value) {
        for (RedisTestServer node : nodes) {
            boolean[] done = {false};
            try {
                onNode(node, r -> {
                    r.set(key, value);
                    done[0] = true;
                });
            } catch (RuntimeException moved) {
                // not this node's slot
            }
            if (done[0]) {
                return;
            }
        }
        throw new IllegalStateException("no node took the key");
    }

    @Override
    public Optional<UnaryOperator<TokenStoreOptions.Builder>> silencedChangeFeed() {
        return Optional.of(b -> b.property("redis.feedPollMillis", "3600000").property("redis.feedWakeups", "false"));
    }

    @Override
    public boolean canStopDatabase() {
        return stoppable;
    }

    @Override
    public void stopDatabase() {
        nodes.forEach(RedisTestServer::stop);
    }

    @Override
    public void startDatabase() {
        nodes.forEach(RedisTestServer::start);
    }

    @Override
    public void close() {
        if (stoppable) {
            startDatabase();
        }
        onEachNode(r -> {
            List<String> keys = keys(r);
            for (String key : keys) {
                r.unlink(key);
            }
        });
    }
}
