package dev.tokenstore;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Everything a {@link TokenStoreProvider} needs to open a store: URL, encryption keys, clock,
 * credentials or a {@link DataSource}, pool size and backend-specific properties. Immutable;
 * built with {@link #builder()}. {@link #toString()} hides the password and the keys.
 *
 * <p>When no key is given to the builder, {@link Builder#build()} reads
 * {@code TOKENSTORE_ENCRYPTION_KEY} from the environment: base64 of 32 bytes (key id
 * {@code "default"}), or comma-separated {@code kid:base64key} pairs, the first one primary.
 * {@link TokenStores#open(TokenStoreOptions)} reads {@code TOKENSTORE_URL} from the same
 * environment when no URL is set. The environment is {@link System#getenv(String)} unless
 * {@link Builder#environment(Function)} replaces it (tests use this to check both the
 * "variable set" and the "variable unset" behaviour whatever the real environment holds).
 */
public final class TokenStoreOptions {
    /** Key id used by {@link Builder#encryptionKey(byte[])} and a bare {@code TOKENSTORE_ENCRYPTION_KEY}. */
    public static final String DEFAULT_KEY_ID = "default";
    /** Environment variable read for keys when the builder was given none. */
    public static final String ENCRYPTION_KEY_ENV = "TOKENSTORE_ENCRYPTION_KEY";
    /** Pool size used when none is set. */
    public static final int DEFAULT_POOL_SIZE = 8;

    private final String url;
    private final Map<String, byte[]> encryptionKeys;
    private final String primaryKeyId;
    private final boolean allowPlaintext;
    private final Clock clock;
    private final String user;
    private final String password;
    private final DataSource dataSource;
    private final int poolSize;
    private final Map<String, String> properties;
    private final Duration refreshReuseGrace;
    private final Function<String, String> environment;

    private TokenStoreOptions(Builder b) {
        this.url = b.url;
        this.encryptionKeys = EncryptionKeys.copy(b.encryptionKeys);
        this.primaryKeyId = b.primaryKeyId;
        this.allowPlaintext = b.allowPlaintext;
        this.clock = b.clock;
        this.user = b.user;
        this.password = b.password;
        this.dataSource = b.dataSource;
        this.poolSize = b.poolSize;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
        this.refreshReuseGrace = b.refreshReuseGrace;
        this.environment = b.environment;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change a few. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.url = url;
        b.encryptionKeys = EncryptionKeys.copy(encryptionKeys);
        b.primaryKeyId = primaryKeyId;
        b.keysFromBuilder = true;
        b.allowPlaintext = allowPlaintext;
        b.clock = clock;
        b.user = user;
        b.password = password;
        b.dataSource = dataSource;
        b.poolSize = poolSize;
        b.properties.putAll(properties);
        b.refreshReuseGrace = refreshReuseGrace;
        b.environment = environment;
        return b;
    }

    /** How long a just-retired refresh token is answered as {@link Rotation.AlreadyRotated} (zero: off). */
    public Duration refreshReuseGrace() {
        return refreshReuseGrace;
    }

    /** The store URL, or null when discovery should decide. */
    public String url() {
        return url;
    }

    /** Encryption keys by key id (copies); empty when none were configured. */
    public Map<String, byte[]> encryptionKeys() {
        return EncryptionKeys.copy(encryptionKeys);
    }

    /** Id of the key new values are encrypted with; null when there are no keys. */
    public String primaryKeyId() {
        return primaryKeyId;
    }

    /**
     * Whether a store may keep tokens unencrypted when no key is configured (development only); with
     * keys, whether it also reads the unencrypted values such a store left (to take a database over
     * and re-encrypt it).
     */
    public boolean allowPlaintext() {
        return allowPlaintext;
    }

    /** The clock expiry is judged by. */
    public Clock clock() {
        return clock;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** A caller-supplied data source, used as given; null if the store should make its own. */
    public DataSource dataSource() {
        return dataSource;
    }

    public int poolSize() {
        return poolSize;
    }

    /** Backend-specific settings, e.g. {@code sqlite.synchronous=FULL}. */
    public Map<String, String> properties() {
        return properties;
    }

    /**
     * The environment variable lookup these options were built with ({@link System#getenv(String)}
     * unless {@link Builder#environment(Function)} replaced it); returns null for an unset variable.
     */
    public Function<String, String> environment() {
        return environment;
    }

    public Optional<String> property(String name) {
        return Optional.ofNullable(properties.get(name));
    }

    /**
     * A property parsed as an int, or {@code defaultValue} if unset.
     *
     * @throws IllegalArgumentException naming the property if it is not an integer
     */
    public int intProperty(String name, int defaultValue) {
        String value = properties.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("property " + name + " must be an integer, was '" + value + "'", e);
        }
    }

    @Override
    public String toString() {
        return "TokenStoreOptions[url=" + (url == null ? null : Urls.redact(url))
                + ", keys=" + encryptionKeys.keySet() + ", primaryKeyId=" + primaryKeyId
                + ", allowPlaintext=" + allowPlaintext + ", clock=" + clock + ", user=" + user
                + ", password=" + (password == null ? "null" : "****") + ", dataSource="
                + (dataSource == null ? "null" : dataSource.getClass().getName())
                + ", poolSize=" + poolSize + ", properties=" + properties.keySet() + "]";
    }

    /** Builds {@link TokenStoreOptions}; every setter validates its argument and names it on failure. */
    public static final class Builder {
        private String url;
        private Map<String, byte[]> encryptionKeys = Map.of();
        private String primaryKeyId;
        private boolean keysFromBuilder;
        private boolean allowPlaintext;
        private Clock clock = Clock.systemUTC();
        private String user;
        private String password;
        private DataSource dataSource;
        private int poolSize = DEFAULT_POOL_SIZE;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Duration refreshReuseGrace = Duration.ZERO;
        private Function<String, String> environment = System::getenv;

        private Builder() {
        }

        /** The store URL, e.g. {@code jdbc:sqlite:/var/lib/app/tokens.db} or {@code memory:}. */
        public Builder url(String url) {
            this.url = url == null ? null : Checks.requireText(url, "url");
            return this;
        }

        /** One AES-256 key (32 bytes), with key id {@value #DEFAULT_KEY_ID}. */
        public Builder encryptionKey(byte[] key32) {
            return encryptionKeys(Map.of(DEFAULT_KEY_ID, Checks.requireNonNull(key32, "encryptionKey")), DEFAULT_KEY_ID);
        }

        /**
         * A key ring for rotation: new values are encrypted with {@code primaryId}'s key, values
         * written under any listed key still decrypt.
         *
         * @throws IllegalArgumentException if a key is not 32 bytes or {@code primaryId} is not in the map
         */
        public Builder encryptionKeys(Map<String, byte[]> keysById, String primaryId) {
            EncryptionKeys.validate(keysById, primaryId);
            this.encryptionKeys = EncryptionKeys.copy(keysById);
            this.primaryKeyId = primaryId;
            this.keysFromBuilder = true;
            return this;
        }

        /**
         * Keys written as in {@value TokenStoreOptions#ENCRYPTION_KEY_ENV}: base64 of 32 bytes (key
         * id {@value TokenStoreOptions#DEFAULT_KEY_ID}), or comma-separated {@code kid:base64key}
         * pairs, the first one primary.
         *
         * @throws IllegalArgumentException naming {@code encryptionKeys} (never showing key bytes) if
         *         the list is empty, not base64, repeats a key id, or holds a key that is not 32 bytes
         */
        public Builder encryptionKeys(String keyList) {
            Checks.requireText(keyList, "encryptionKeys");
            EncryptionKeys.Parsed parsed = EncryptionKeys.parse(keyList, "encryptionKeys");
            return encryptionKeys(parsed.keys(), parsed.primaryId());
        }

        /**
         * Allows storing tokens unencrypted when no key is set; for local development only. With
         * keys, everything written is encrypted and the unencrypted values a store without keys
         * left are still read, until {@code KeyRotation.reencrypt()} has encrypted them.
         */
        public Builder allowPlaintext(boolean allow) {
            this.allowPlaintext = allow;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Checks.requireNonNull(clock, "clock");
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Use this data source as given instead of building a pool. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        public Builder poolSize(int poolSize) {
            if (poolSize < 1) {
                throw new IllegalArgumentException("poolSize must be at least 1, was " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        /**
         * The reuse grace window of {@link TokenStore#rotateSession} (default zero: off). Within it,
         * presenting the refresh token retired by a session's latest rotation returns the session as
         * it is now ({@link Rotation.AlreadyRotated}) instead of revoking it, for clients that retry a
         * refresh whose response they lost. The trade-off: for that long, a thief replaying the
         * just-rotated token gets the current session instead of triggering its revocation. Keep it to
         * seconds.
         */
        public Builder refreshReuseGrace(Duration grace) {
            Checks.requireNonNull(grace, "refreshReuseGrace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("refreshReuseGrace must not be negative, was " + grace);
            }
            this.refreshReuseGrace = grace;
            return this;
        }

        /** A backend-specific setting; a null value removes it. */
        public Builder property(String name, String value) {
            Checks.requireText(name, "property name");
            if (value == null) {
                properties.remove(name);
            } else {
                properties.put(name, value);
            }
            return this;
        }

        /**
         * Where environment variables ({@value #ENCRYPTION_KEY_ENV}, {@code TOKENSTORE_URL}) are
         * read from instead of {@link System#getenv(String)}: a lookup returning the value, or null
         * when the variable is unset. E.g. {@code environment(Map.of()::get)} for "nothing set", or
         * {@code environment(Map.of(ENCRYPTION_KEY_ENV, base64Key)::get)}.
         */
        public Builder environment(Function<String, String> lookup) {
            this.environment = Checks.requireNonNull(lookup, "environment");
            return this;
        }

        /**
         * The options; with no key given to this builder, keys come from {@value #ENCRYPTION_KEY_ENV}
         * in the {@link #environment(Function) environment}.
         *
         * @throws IllegalArgumentException if that variable holds no valid key
         */
        public TokenStoreOptions build() {
            if (!keysFromBuilder) {
                String fromEnv = environment.apply(ENCRYPTION_KEY_ENV);
                if (fromEnv != null && !fromEnv.isBlank()) {
                    EncryptionKeys.Parsed parsed = EncryptionKeys.parse(fromEnv, ENCRYPTION_KEY_ENV);
                    encryptionKeys = parsed.keys();
                    primaryKeyId = parsed.primaryId();
                }
            }
            return new TokenStoreOptions(this);
        }
    }
}
