package dev.tokenstore.redis;

import dev.tokenstore.Arguments;
import dev.tokenstore.Availability;
import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ChangeEvent;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.ChangeListener;
import dev.tokenstore.ChangeSubscription;
import dev.tokenstore.CleanupCoordination;
import dev.tokenstore.CleanupResult;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.DatabaseHealth;
import dev.tokenstore.KeyRotation;
import dev.tokenstore.Rotation;
import dev.tokenstore.StateRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TransactionalTokenStore;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis / Valkey backend, standalone or Cluster, on Lettuce. Keeps the whole {@link TokenStore}
 * contract (the TCK runs over it raw and wrapped, on a standalone server and on a 3-master
 * cluster):
 * <ul>
 *   <li>states and codes are taken by one single-key script (read and delete in one step), so each
 *   is returned at most once across any number of instances;</li>
 *   <li>expiry is judged by the store's {@link java.time.Clock}; Redis TTLs only reclaim memory and
 *   are set {@code redis.ttlMarginMillis} (default one day) beyond the clock-judged expiry;</li>
 *   <li>every atomic step touches one slot (see {@link Keys}); lookups by token read a pointer key
 *   and accept the session it names only if that session holds the token's hash and, decrypted,
 *   the presented token itself;</li>
 *   <li>revocations leave tombstones and rotation retires refresh tokens, both checked in the same
 *   script as the write they refuse;</li>
 *   <li>values are encrypted with the api's {@link TokenCipher}, bound to their key and field.</li>
 * </ul>
 * Capabilities: {@link BulkSessionStore} (pipelined, one script per bucket), {@link ChangeFeed}
 * (Redis Streams with per-bucket sequence numbers, so gaps and restarts are seen and reported as a
 * reset), {@link KeyRotation}, {@link DatabaseHealth} (a circuit breaker), {@link CleanupCoordination}
 * (a lock key with a TTL) and {@link TransactionalTokenStore} (see {@link RedisTransaction} for what
 * it guarantees). Thread-safe; one multiplexed connection.
 */
public final class RedisTokenStore implements TokenStore, BulkSessionStore, TransactionalTokenStore, ChangeFeed,
        KeyRotation, DatabaseHealth, CleanupCoordination {
    private static final Logger LOG = LoggerFactory.getLogger(RedisTokenStore.class);
    static final String FORMAT = "1";

    private final Env env;
    private final RedisUrl url;
    private final Breaker breaker;
    private final SessionWrites writes;
    private final FeedSettings feedSettings;
    private final int waitReplicas;
    private final Set<StreamFeed> feeds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Boolean> inTransaction = ThreadLocal.withInitial(() -> false);
    private volatile boolean closed;

    private RedisTokenStore(Env env, RedisUrl url, Breaker breaker, FeedSettings feedSettings, int waitReplicas) {
        this.env = env;
        this.waitReplicas = waitReplicas;
        this.url = url;
        this.breaker = breaker;
        this.writes = new SessionWrites(env);
        this.feedSettings = feedSettings;
    }

    /**
     * Opens a store for {@code options.url()}. Properties: {@code redis.prefix} (key prefix, default
     * {@code ts}), {@code redis.timeoutMillis} (command and connect timeout, default 2000),
     * {@code redis.ttlMarginMillis}, {@code redis.feedPollMillis} (how often a subscriber confirms
     * it is caught up, default 50), {@code redis.feedWakeups} (pub/sub wake-ups, default true),
     * {@code redis.breakerCoolDownMillis} (default 1000), {@code redis.waitReplicas} (after each
     * write, {@code WAIT} for this many replicas; default 0, see the README on durability).
     *
     * @throws TokenStoreException if Redis cannot be reached or the key check fails
     */
    public static RedisTokenStore open(TokenStoreOptions options) {
        TokenCipher cipher = TokenCipher.fromOptions(options);
        RedisUrl url = RedisUrl.parse(options.url(), options.user(), options.password());
        long timeout = options.intProperty("redis.timeoutMillis", 2000);
        String prefix = options.property("redis.prefix").orElse("ts");
        if (prefix.isBlank() || prefix.contains("{") || prefix.contains("}")) {
            throw new IllegalArgumentException("redis.prefix must be non-blank and hold no braces");
        }
        RedisLink link;
        try {
            link = RedisLink.open(url, Duration.ofMillis(timeout));
        } catch (RuntimeException e) {
            throw new TokenStoreException("cannot connect to Redis at " + url, e);
        }
        RedisLink connected = link;
        Env env = new Env(link, new Keys(prefix), new Codec(cipher), options.clock(),
                options.intProperty("redis.ttlMarginMillis", 86_400_000), timeout, options.refreshReuseGrace().toMillis());
        FeedSettings feed = new FeedSettings(options.intProperty("redis.feedPollMillis", 50),
                !"false".equals(options.property("redis.feedWakeups").orElse("true")));
        RedisTokenStore store = new RedisTokenStore(env, url,
                new Breaker(options.clock(), Duration.ofMillis(options.intProperty("redis.breakerCoolDownMillis", 1000)),
                        () -> connected.awaitConnected(Duration.ofMillis(timeout))),
                feed, options.intProperty("redis.waitReplicas", 0));
        try {
            store.checkKeys(cipher);
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
        LOG.info("tokenstore opened on Redis {} ({}, prefix '{}')", url, link.cluster() ? "cluster" : "standalone", prefix);
        return store;
    }

    /** Settings of the change feed's subscribers. */
    record FeedSettings(long pollMillis, boolean wakeups) {
    }

    /** Refuses to open with a key whose id another store of this data registered with other key material. */
    private void checkKeys(TokenCipher cipher) {
        if (!cipher.encrypts()) {
            return;
        }
        String checks = env.keys().keyChecks();
        var sync = env.link().sync();
        for (String keyId : cipher.keyIds()) {
            String mine = cipher.checkValue(keyId);
            sync.hsetnx(checks, keyId, mine);
            String registered = sync.hget(checks, keyId);
            if (!mine.equals(registered)) {
                throw new TokenStoreException("the encryption key with id '" + keyId + "' is not the key this data was "
                        + "written with (a wrong key, or two different keys under one key id)");
            }
        }
    }

    Env env() {
        return env;
    }

    /** Runs a call through the breaker, after checking the store is open. */
    <T> T call(String operation, Supplier<T> work) {
        ensureOpen();
        return breaker.call(operation, work);
    }

    // ------------------------------------------------------------------ one-time values

    @Override
    public void storeState(StateRecord state) {
        Arguments.requireNonNull(state, "state record");
        storeOneTime("state", state.state(), Json.state(state), state.expiresAt());
    }

    @Override
    public Optional<StateRecord> consumeState(String state) {
        Arguments.requireText(state, "state");
        return consumeOneTime("state", state).map(Json::readState);
    }

    @Override
    public void storeAuthCode(AuthCodeRecord code) {
        Arguments.requireNonNull(code, "auth code record");
        storeOneTime("code", code.code(), Json.code(code), code.expiresAt());
    }

    @Override
    public Optional<AuthCodeRecord> consumeAuthCode(String code) {
        Arguments.requireText(code, "code");
        return consumeOneTime("code", code).map(Json::readCode);
    }

    private void storeOneTime(String kind, String value, String json, Instant expiresAt) {
        call("store " + kind, () -> {
            String hash = TokenHash.sha256Hex(value);
            int bucket = Keys.bucketOf(hash);
            long now = env.now();
            Codec c = env.codec();
            Keys k = env.keys();
            String key = "state".equals(kind) ? k.state(hash) : k.code(hash);
            String index = "state".equals(kind) ? k.stateIndex(bucket) : k.codeIndex(bucket);
            long e = expiresAt.toEpochMilli();
            return env.link().eval(Lua.STORE_ONE, ScriptOutputType.INTEGER, new String[] {key, index}, Long.toString(e),
                    c.encrypt(json, kind, "d", hash), c.encrypt(value, kind, "x", hash),
                    Long.toString(env.ttl(e, now)), hash);
        });
    }

    /** Takes the value (gone whatever happens next); its JSON if it was live and is what was presented. */
    private Optional<String> consumeOneTime(String kind, String value) {
        List<Object> taken = call("consume " + kind, () -> {
            String hash = TokenHash.sha256Hex(value);
            Keys k = env.keys();
            int bucket = Keys.bucketOf(hash);
            String key = "state".equals(kind) ? k.state(hash) : k.code(hash);
            String index = "state".equals(kind) ? k.stateIndex(bucket) : k.codeIndex(bucket);
            return env.link().<List<Object>>eval(Lua.CONSUME, ScriptOutputType.MULTI, new String[] {key, index}, hash);
        });
        if (taken == null || taken.isEmpty() || taken.get(0) == null) {
            return Optional.empty();
        }
        String hash = TokenHash.sha256Hex(value);
        long expires = Long.parseLong(String.valueOf(taken.get(0)));
        String json = env.codec().decrypt((String) taken.get(1), kind, "d", hash);
        String stored = env.codec().decrypt((String) taken.get(2), kind, "x", hash);
        if (!TokenHash.sameToken(stored, value) || env.now() >= expires) {
            return Optional.empty();
        }
        return Optional.of(json);
    }

    /** The live state, without taking it (transactions take it at commit). */
    Optional<StateRecord> peekState(String state) {
        return peekOneTime("state", state).map(Json::readState);
    }

    /** The live code, without taking it. */
    Optional<AuthCodeRecord> peekCode(String code) {
        return peekOneTime("code", code).map(Json::readCode);
    }

    private Optional<String> peekOneTime(String kind, String value) {
        String hash = TokenHash.sha256Hex(value);
        List<io.lettuce.core.KeyValue<String, String>> v = call("read " + kind, () -> env.link().sync().hmget(
                "state".equals(kind) ? env.keys().state(hash) : env.keys().code(hash), "e", "d", "x"));
        if (!v.get(0).hasValue() || env.now() >= Long.parseLong(v.get(0).getValue())) {
            return Optional.empty();
        }
        String stored = env.codec().decrypt(v.get(2).getValue(), kind, "x", hash);
        return TokenHash.sameToken(stored, value)
                ? Optional.of(env.codec().decrypt(v.get(1).getValue(), kind, "d", hash)) : Optional.empty();
    }

    /** The id of the session holding this access token, live or not. */
    Optional<String> sessionIdHolding(String accessToken) {
        String hash = TokenHash.sha256Hex(accessToken);
        return call("find session by access token", () -> {
            String sid = env.link().sync().get(env.keys().accessPointer(hash));
            if (sid == null || !TokenHash.isSha256Hex(sid)) {
                return Optional.<String>empty();
            }
            Map<String, String> record = env.link().sync().hgetall(env.keys().session(sid));
            if (record.isEmpty() || !hash.equals(record.get("ah"))) {
                return Optional.<String>empty();
            }
            return Optional.of(env.codec().session(sid, record).sessionId());
        });
    }

    /** True if a session with this id is stored, live or not. */
    boolean sessionExists(String sessionId) {
        String sid = TokenHash.sha256Hex(sessionId);
        return call("find session by id", () -> env.link().sync().exists(env.keys().session(sid)) > 0);
    }

    // ------------------------------------------------------------------ sessions

    @Override
    public void storeSession(StoredSession session) {
        Arguments.requireNonNull(session, "session");
        call("store session", () -> {
            writes.store(List.of(session));
            return null;
        });
        waitReplicas();
    }

    @Override
    public void bulkStoreSessions(List<StoredSession> sessions) {
        Arguments.requireNonNull(sessions, "sessions");
        for (int i = 0; i < sessions.size(); i++) {
            Arguments.requireNonNull(sessions.get(i), "sessions[" + i + "]");
        }
        call("bulk store sessions", () -> {
            writes.store(List.copyOf(sessions));
            return null;
        });
        waitReplicas();
    }

    @Override
    public Optional<StoredSession> loadSessionByAccessToken(String accessToken) {
        Arguments.requireText(accessToken, "accessToken");
        return byToken(accessToken, false);
    }

    @Override
    public Optional<StoredSession> loadSessionByRefreshToken(String refreshToken) {
        Arguments.requireText(refreshToken, "refreshToken");
        return byToken(refreshToken, true);
    }

    private Optional<StoredSession> byToken(String token, boolean refresh) {
        String hash = TokenHash.sha256Hex(token);
        return call(refresh ? "load session by refresh token" : "load session by access token", () -> {
            Keys k = env.keys();
            String pointer = refresh ? k.refreshPointer(hash) : k.accessPointer(hash);
            String sid;
            Map<String, String> record;
            if (env.link().cluster()) {
                sid = env.link().sync().get(pointer);
                if (sid == null || !TokenHash.isSha256Hex(sid)) {
                    return Optional.<StoredSession>empty();
                }
                record = env.link().sync().hgetall(k.session(sid));
            } else {
                List<Object> r = env.link().eval(Lua.FOLLOW_POINTER, ScriptOutputType.MULTI, new String[] {pointer},
                        k.prefix());
                if (r.isEmpty() || !TokenHash.isSha256Hex(String.valueOf(r.get(0)))) {
                    return Optional.<StoredSession>empty();
                }
                sid = String.valueOf(r.get(0));
                record = new java.util.HashMap<>();
                for (int i = 1; i + 1 < r.size(); i += 2) {
                    record.put(String.valueOf(r.get(i)), String.valueOf(r.get(i + 1)));
                }
            }
            long now = env.now();
            if (record.isEmpty() || !hash.equals(record.get(refresh ? "rh" : "ah"))
                    || !live(record.get(refresh ? "re" : "ae"), now)) {
                return Optional.<StoredSession>empty();
            }
            StoredSession s = env.codec().session(sid, record);
            return TokenHash.sameToken(refresh ? s.refreshToken() : s.accessToken(), token) ? Optional.of(s)
                    : Optional.<StoredSession>empty();
        });
    }

    @Override
    public Optional<StoredSession> loadSessionById(String sessionId) {
        Arguments.requireText(sessionId, "sessionId");
        String sid = TokenHash.sha256Hex(sessionId);
        return call("load session by id", () -> {
            Map<String, String> record = env.link().sync().hgetall(env.keys().session(sid));
            if (record.isEmpty() || !live(record.get("ae"), env.now())) {
                return Optional.<StoredSession>empty();
            }
            return Optional.of(env.codec().session(sid, record));
        });
    }

    private static boolean live(String expiresAt, long now) {
        return expiresAt != null && !expiresAt.isEmpty() && now < Long.parseLong(expiresAt);
    }

    @Override
    public Rotation rotateSession(String presentedRefreshToken, StoredSession next) {
        String presented = Rotation.checkArguments(presentedRefreshToken, next);
        Rotation result = call("rotate session", () -> new Rotations(env, writes).rotate(presentedRefreshToken, presented, next));
        waitReplicas();
        return result;
    }

    @Override
    public boolean deleteSessionByAccessToken(String accessToken) {
        Arguments.requireText(accessToken, "accessToken");
        String hash = TokenHash.sha256Hex(accessToken);
        return call("delete session by access token", () -> {
            String sid = env.link().sync().get(env.keys().accessPointer(hash));
            return sid != null && TokenHash.isSha256Hex(sid) && revoke(Map.of(sid, new String[] {hash, ""})) > 0;
        });
    }

    @Override
    public boolean deleteSessionById(String sessionId) {
        Arguments.requireText(sessionId, "sessionId");
        String sid = TokenHash.sha256Hex(sessionId);
        return call("delete session by id", () -> revoke(Map.of(sid, new String[] {"", ""})) > 0);
    }

    @Override
    public int bulkDeleteSessionsByHash(Collection<String> accessTokenHashes) {
        Set<String> hashes = TokenHash.requireSha256Hexes(accessTokenHashes, "accessTokenHashes");
        return call("bulk delete sessions", () -> {
            List<String> list = new ArrayList<>(hashes);
            List<CompletionStage<String>> gets = new ArrayList<>();
            list.forEach(h -> gets.add(env.link().async().get(env.keys().accessPointer(h))));
            List<String> sids = env.awaitAll(gets);
            Map<String, String[]> targets = new LinkedHashMap<>();
            for (int i = 0; i < list.size(); i++) {
                String sid = sids.get(i);
                if (sid != null && TokenHash.isSha256Hex(sid)) {
                    targets.put(sid + "|" + list.get(i), new String[] {list.get(i), ""});
                }
            }
            return revoke(targets);
        });
    }

    @Override
    public int deleteSessionsByUser(String userId) {
        Arguments.requireText(userId, "userId");
        int deleted = call("delete sessions by user", () -> {
            Map<String, String[]> targets = new LinkedHashMap<>();
            for (String userKey : env.codec().cipher().keyedHashes(userId)) {
                for (String sid : env.link().sync().zrange(env.keys().userIndex(userKey), 0, -1)) {
                    if (TokenHash.isSha256Hex(sid)) {
                        targets.putIfAbsent(sid + "|" + userKey, new String[] {"", userKey});
                    }
                }
            }
            int n = revoke(targets);
            if (n > 0) {
                int bucket = Keys.bucketOf(ChangeEvent.keyOf(userId));
                Keys k = env.keys();
                env.link().eval(Lua.ANNOUNCE, ScriptOutputType.INTEGER, new String[] {k.feed(bucket), k.sequence(bucket)},
                        k.channel(), Integer.toString(bucket), ChangeEvent.keyOf(userId));
            }
            return n;
        });
        waitReplicas();
        return deleted;
    }

    /**
     * Revokes sessions (key: session id hash, optionally {@code |suffix}; value: the access hash and
     * user key they must still have, or "" for any): one script per bucket, pipelined.
     */
    private int revoke(Map<String, String[]> targets) {
        if (targets.isEmpty()) {
            return 0;
        }
        Keys k = env.keys();
        long now = env.now();
        Map<Integer, List<Map.Entry<String, String[]>>> byBucket = new LinkedHashMap<>();
        targets.entrySet().forEach(e -> byBucket.computeIfAbsent(Keys.bucketOf(e.getKey()), b -> new ArrayList<>()).add(e));
        List<CompletionStage<Long>> scripts = new ArrayList<>();
        byBucket.forEach((bucket, entries) -> {
            for (int from = 0; from < entries.size(); from += 200) {
                List<String> keys = new ArrayList<>(List.of(k.sessionIndex(bucket), k.tombstoneIndex(bucket), k.feed(bucket),
                        k.sequence(bucket)));
                List<String> args = new ArrayList<>(List.of(Long.toString(now), k.channel(), Integer.toString(bucket),
                        Long.toString(env.marginMillis())));
                for (Map.Entry<String, String[]> e : entries.subList(from, Math.min(from + 200, entries.size()))) {
                    String sid = e.getKey().contains("|") ? e.getKey().substring(0, e.getKey().indexOf('|')) : e.getKey();
                    keys.add(k.session(sid));
                    keys.add(k.tombstone(sid));
                    args.add(sid);
                    args.add(e.getValue()[0]);
                    args.add(e.getValue()[1]);
                }
                scripts.add(env.link().evalAsync(Lua.REVOKE, ScriptOutputType.INTEGER, keys.toArray(String[]::new),
                        args.toArray(String[]::new)));
            }
        });
        long sum = 0;
        for (Long n : env.awaitAll(scripts)) {
            sum += n;
        }
        waitReplicas();
        return (int) sum;
    }

    // ------------------------------------------------------------------ clients

    @Override
    public void storeClient(ClientRecord client) {
        Arguments.requireNonNull(client, "client");
        call("store client", () -> {
            Keys k = env.keys();
            int bucket = Keys.clientsBucket();
            return env.link().eval(Lua.CLIENT_PUT, ScriptOutputType.INTEGER,
                    new String[] {k.clients(), k.feed(bucket), k.sequence(bucket)}, k.channel(), Integer.toString(bucket),
                    client.clientId(), env.codec().encrypt(Json.client(client), "client", "d", client.clientId()));
        });
        waitReplicas();
    }

    @Override
    public Optional<ClientRecord> loadClient(String clientId) {
        Arguments.requireText(clientId, "clientId");
        return call("load client", () -> Optional.ofNullable(env.link().sync().hget(env.keys().clients(), clientId))
                .map(v -> readClient(clientId, v)));
    }

    private ClientRecord readClient(String clientId, String stored) {
        ClientRecord c = Json.readClient(env.codec().decrypt(stored, "client", "d", clientId));
        if (!c.clientId().equals(clientId)) {
            throw new TokenStoreException("a stored client does not belong to the field it is stored under (tampered)");
        }
        return c;
    }

    @Override
    public List<ClientRecord> listClients() {
        return call("list clients", () -> {
            List<ClientRecord> all = new ArrayList<>();
            env.link().sync().hgetall(env.keys().clients()).forEach((id, v) -> all.add(readClient(id, v)));
            all.sort(Comparator.comparing(ClientRecord::clientId));
            return List.copyOf(all);
        });
    }

    @Override
    public boolean deleteClient(String clientId) {
        Arguments.requireText(clientId, "clientId");
        boolean deleted = call("delete client", () -> {
            Keys k = env.keys();
            int bucket = Keys.clientsBucket();
            Long n = env.link().eval(Lua.CLIENT_DEL, ScriptOutputType.INTEGER,
                    new String[] {k.clients(), k.feed(bucket), k.sequence(bucket)}, k.channel(), Integer.toString(bucket),
                    clientId);
            return n != null && n == 1;
        });
        waitReplicas();
        return deleted;
    }

    // ------------------------------------------------------------------ cleanup

    /**
     * Removes, bucket by bucket in chunks of 500 index entries (one script each), every state,
     * code, session and retired refresh token that the clock says can never be returned again,
     * and tombstones past their end; counts exactly what it deleted. Records Redis reclaimed by TTL
     * before (only possible a whole margin after their expiry) are not counted: they were gone.
     */
    @Override
    public CleanupResult cleanupExpired() {
        return call("cleanup", () -> {
            long now = env.now();
            Keys k = env.keys();
            long[] counts = new long[5];
            String[] kinds = {"st", "co", "s", "r", "x"};
            for (int b = 0; b < Keys.BUCKETS; b++) {
                String[] indexes = {k.stateIndex(b), k.codeIndex(b), k.sessionIndex(b), k.retiredIndex(b),
                        k.tombstoneIndex(b)};
                for (int kind = 0; kind < kinds.length; kind++) {
                    while (true) {
                        List<Object> r = env.link().eval(Lua.CLEAN, ScriptOutputType.MULTI, new String[] {indexes[kind]},
                                Long.toString(now), kinds[kind], "500", k.base(b));
                        counts[kind] += (Long) r.get(0);
                        if ((Long) r.get(1) < 500) {
                            break;
                        }
                    }
                }
            }
            return new CleanupResult((int) counts[0], (int) counts[1], (int) counts[2], (int) counts[3]);
        });
    }

    @Override
    public Optional<CleanupResult> cleanupIfNoOtherInstanceIs(Supplier<CleanupResult> cleanup) {
        String token = UUID.randomUUID().toString();
        String lock = env.keys().cleanupLock();
        boolean taken = call("take the cleanup lock", () -> "OK".equals(env.link().sync().set(lock, token,
                io.lettuce.core.SetArgs.Builder.nx().px(600_000))));
        if (!taken) {
            return Optional.empty();
        }
        try {
            return Optional.of(cleanup.get());
        } finally {
            call("release the cleanup lock", () -> env.link().eval(RELEASE,
                    ScriptOutputType.INTEGER, new String[] {lock}, token));
        }
    }

    private static final RedisLink.Script RELEASE = RedisLink.Script.of(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");

    // ------------------------------------------------------------------ capabilities

    @Override
    public <T> T inTransaction(Function<TokenStore, T> work) {
        Arguments.requireNonNull(work, "work");
        ensureOpen();
        if (inTransaction.get()) {
            throw new IllegalStateException("inTransaction calls may not nest");
        }
        inTransaction.set(true);
        try {
            return new RedisTransaction(this).run(work);
        } finally {
            inTransaction.set(false);
        }
    }

    @Override
    public ChangeSubscription subscribe(ChangeListener listener) {
        Arguments.requireNonNull(listener, "listener");
        ensureOpen();
        StreamFeed feed = new StreamFeed(env, listener, feedSettings, feeds::remove);
        feeds.add(feed);
        feed.start();
        return feed;
    }

    @Override
    public ReencryptionReport reencrypt(int chunkSize) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive, was " + chunkSize);
        }
        return call("re-encrypt", () -> new Reencryption(env, writes).run(chunkSize));
    }

    @Override
    public Map<String, Long> valuesByKeyId() {
        return call("count values by key id", () -> new Reencryption(env, writes).count(KeyRotation.DEFAULT_CHUNK_SIZE));
    }

    @Override
    public Availability availability() {
        return breaker.availability();
    }

    // ------------------------------------------------------------------ durability, lifecycle

    /** With {@code redis.waitReplicas}, waits until that many replicas acknowledged the writes so far. */
    private void waitReplicas() {
        if (waitReplicas > 0 && !env.link().cluster()) {
            call("wait for replicas", () -> env.link().sync().waitForReplication(waitReplicas, env.timeoutMillis()));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (StreamFeed f : List.copyOf(feeds)) {
            f.close();
        }
        env.link().close();
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("token store is closed");
        }
    }

    @Override
    public String toString() {
        return "RedisTokenStore[" + url + ", prefix=" + env.keys().prefix() + "]";
    }
}
