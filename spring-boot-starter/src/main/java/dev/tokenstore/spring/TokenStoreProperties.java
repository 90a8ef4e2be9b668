package dev.tokenstore.spring;

import dev.tokenstore.buffer.AckMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code tokenstore.*} properties: where the store is, its keys, its wrappers and its cleanup. */
@ConfigurationProperties("tokenstore")
public class TokenStoreProperties {

    /**
     * Store URL: jdbc:sqlite:..., jdbc:h2:..., jdbc:postgresql:... or memory:. When unset, the
     * application's DataSource is used (its database picks the backend); without one, the
     * tokenstore.url system property, TOKENSTORE_URL, or the single embedded backend's default.
     */
    private String url;

    /**
     * Encryption keys: base64 of 32 random bytes, or comma-separated kid:base64key pairs with the
     * primary (used for new writes) first, e.g. k2:...,k1:... after rotating to k2. When unset,
     * TOKENSTORE_ENCRYPTION_KEY is read.
     */
    private String encryptionKeys;

    /** Store tokens unencrypted when no key is set. For local development only. */
    private boolean allowPlaintext = false;

    /** Database user, for a store that builds its own pool. */
    private String user;

    /** Database password, for a store that builds its own pool. */
    private String password;

    /** Connections in the pool a store builds itself (PostgreSQL). */
    private int poolSize = 8;

    /** Backend settings, e.g. jdbc.tablePrefix, jdbc.cleanupChunkSize, sqlite.synchronous, postgres.schema. */
    private Map<String, String> properties = new LinkedHashMap<>();

    private final Cache cache = new Cache();
    private final Buffer buffer = new Buffer();
    private final Cleanup cleanup = new Cleanup();
    private final Metrics metrics = new Metrics();

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getEncryptionKeys() {
        return encryptionKeys;
    }

    public void setEncryptionKeys(String encryptionKeys) {
        this.encryptionKeys = encryptionKeys;
    }

    public boolean isAllowPlaintext() {
        return allowPlaintext;
    }

    public void setAllowPlaintext(boolean allowPlaintext) {
        this.allowPlaintext = allowPlaintext;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public int getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(int poolSize) {
        this.poolSize = poolSize;
    }

    public Map<String, String> getProperties() {
        return properties;
    }

    public void setProperties(Map<String, String> properties) {
        this.properties = properties;
    }

    public Cache getCache() {
        return cache;
    }

    public Buffer getBuffer() {
        return buffer;
    }

    public Cleanup getCleanup() {
        return cleanup;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** The read cache ({@code CachingTokenStore}) in front of the store. */
    public static class Cache {
        /** Put a read cache in front of the store. */
        private boolean enabled = false;

        /** Most entries held (sessions by each lookup path, and clients). */
        private long maxEntries = 100_000;

        /** Longest an entry is kept, whatever the record's own expiry. */
        private Duration ttlCap = Duration.ofMinutes(5);

        /** Entries end this much before their record expires. */
        private Duration skew = Duration.ofSeconds(1);

        /** How long a "not found" is remembered. */
        private Duration negativeTtl = Duration.ofSeconds(2);

        /** Refresh cached clients in the background after this long (unset: no refresh). */
        private Duration refreshAfter;

        /**
         * How long the change feed may go unconfirmed before the cache stops answering from memory:
         * the bound on how long another instance's revocation can go unseen.
         */
        private Duration maxStaleness = Duration.ofSeconds(1);

        /**
         * Serve cached hits while the database looks unavailable, for at most this long after the
         * change feed last confirmed (0, the default: never past max-staleness). Longer than
         * max-staleness when set; in a network partition, another instance's revocation may be
         * served here for up to this long.
         */
        private Duration serveHitsWhileDatabaseUnavailable = Duration.ZERO;

        public Duration getMaxStaleness() {
            return maxStaleness;
        }

        public void setMaxStaleness(Duration maxStaleness) {
            this.maxStaleness = maxStaleness;
        }

        public Duration getServeHitsWhileDatabaseUnavailable() {
            return serveHitsWhileDatabaseUnavailable;
        }

        public void setServeHitsWhileDatabaseUnavailable(Duration serveHitsWhileDatabaseUnavailable) {
            this.serveHitsWhileDatabaseUnavailable = serveHitsWhileDatabaseUnavailable;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public long getMaxEntries() {
            return maxEntries;
        }

        public void setMaxEntries(long maxEntries) {
            this.maxEntries = maxEntries;
        }

        public Duration getTtlCap() {
            return ttlCap;
        }

        public void setTtlCap(Duration ttlCap) {
            this.ttlCap = ttlCap;
        }

        public Duration getSkew() {
            return skew;
        }

        public void setSkew(Duration skew) {
            this.skew = skew;
        }

        public Duration getNegativeTtl() {
            return negativeTtl;
        }

        public void setNegativeTtl(Duration negativeTtl) {
            this.negativeTtl = negativeTtl;
        }

        public Duration getRefreshAfter() {
            return refreshAfter;
        }

        public void setRefreshAfter(Duration refreshAfter) {
            this.refreshAfter = refreshAfter;
        }
    }

    /** The write buffer ({@code BufferedTokenStore}) in front of the store. */
    public static class Buffer {
        /** Queue session writes and write them in batches. */
        private boolean enabled = false;

        /** Sessions per flush. */
        private int maxBatchSize = 1000;

        /** Longest a write waits in write-behind before its batch is flushed. */
        private Duration maxDelay = Duration.ofMillis(50);

        /** Most session writes held at once; writers wait (back-pressure) beyond it. */
        private int maxPending = 100_000;

        /** When storeSession returns: WRITE_BEHIND (once queued) or GROUP_COMMIT (once committed). */
        private AckMode ackMode = AckMode.WRITE_BEHIND;

        /** How long a writer waits for room in a full buffer before failing. */
        private Duration enqueueTimeout = Duration.ofSeconds(10);

        /** How many times a failed flush is retried before it is reported. */
        private int maxRetries = 3;

        /** Wait before the first retry, doubled for each further one. */
        private Duration retryBackoff = Duration.ofMillis(50);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getMaxBatchSize() {
            return maxBatchSize;
        }

        public void setMaxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
        }

        public Duration getMaxDelay() {
            return maxDelay;
        }

        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        public int getMaxPending() {
            return maxPending;
        }

        public void setMaxPending(int maxPending) {
            this.maxPending = maxPending;
        }

        public AckMode getAckMode() {
            return ackMode;
        }

        public void setAckMode(AckMode ackMode) {
            this.ackMode = ackMode;
        }

        public Duration getEnqueueTimeout() {
            return enqueueTimeout;
        }

        public void setEnqueueTimeout(Duration enqueueTimeout) {
            this.enqueueTimeout = enqueueTimeout;
        }

        public int getMaxRetries() {
            return maxRetries;
        }

        public void setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
        }

        public Duration getRetryBackoff() {
            return retryBackoff;
        }

        public void setRetryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
        }
    }

    /** Scheduled removal of expired records ({@code CleanupScheduler}). */
    public static class Cleanup {
        /** Remove expired states, codes and sessions on a schedule. */
        private boolean enabled = true;

        /** Time between cleanup rounds, before jitter. */
        private Duration interval = Duration.ofMinutes(5);

        /** Most a round's delay differs from the interval, either way (unset: a tenth of the interval). */
        private Duration jitter;

        /** Delay before the first round (unset: one jittered interval). */
        private Duration initialDelay;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getJitter() {
            return jitter;
        }

        public void setJitter(Duration jitter) {
            this.jitter = jitter;
        }

        public Duration getInitialDelay() {
            return initialDelay;
        }

        public void setInitialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
        }
    }

    /** Micrometer meters (when a MeterRegistry bean exists). */
    public static class Metrics {
        /** Bind cache and buffer meters to the application's MeterRegistry. */
        private boolean enabled = true;

        /** Also time every store operation (timer tokenstore.operations, by operation and outcome). */
        private boolean timeOperations = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isTimeOperations() {
            return timeOperations;
        }

        public void setTimeOperations(boolean timeOperations) {
            this.timeOperations = timeOperations;
        }
    }
}
