package dev.tokenstore.jmh;

/**
 * Settings the benchmark forks read from system properties (which {@link dev.tokenstore.jmh.report.Compare} passes on to
 * every fork) or the environment. Nothing here is a secret except the optional PostgreSQL
 * password, which is never printed.
 */
public final class BenchSettings {
    /** JDBC URL of an existing PostgreSQL server to benchmark instead of the embedded one. */
    public static final String POSTGRES_URL_PROPERTY = "tokenstore.bench.postgresUrl";
    public static final String POSTGRES_URL_ENV = "TOKENSTORE_POSTGRES_URL";
    public static final String POSTGRES_USER_PROPERTY = "tokenstore.bench.postgresUser";
    public static final String POSTGRES_USER_ENV = "TOKENSTORE_POSTGRES_USER";
    public static final String POSTGRES_PASSWORD_ENV = "TOKENSTORE_POSTGRES_PASSWORD";
    /** SQLite {@code synchronous} pragma for the store and the SQLite floor (backend default when unset). */
    public static final String SQLITE_SYNCHRONOUS_PROPERTY = "tokenstore.bench.sqliteSynchronous";
    /** Directory for the benchmark database files (the system temp directory when unset). */
    public static final String DIR_PROPERTY = "tokenstore.bench.dir";
    /**
     * Prefix of system properties passed to the store as options properties, for experiments:
     * {@code -jvmArgsAppend -Dtokenstore.bench.option.sqlite.cacheSizeKb=1048576} sets
     * {@code sqlite.cacheSizeKb}.
     */
    public static final String OPTION_PREFIX = "tokenstore.bench.option.";

    private BenchSettings() {
    }

    public static String postgresUrl() {
        return firstSet(System.getProperty(POSTGRES_URL_PROPERTY), System.getenv(POSTGRES_URL_ENV));
    }

    public static String postgresUser() {
        return firstSet(System.getProperty(POSTGRES_USER_PROPERTY), System.getenv(POSTGRES_USER_ENV));
    }

    public static String postgresPassword() {
        return firstSet(System.getenv(POSTGRES_PASSWORD_ENV));
    }

    /** {@code FULL}, {@code NORMAL}, ... or null for the backend's default. */
    public static String sqliteSynchronous() {
        return firstSet(System.getProperty(SQLITE_SYNCHRONOUS_PROPERTY));
    }

    /** The store properties set with {@link #OPTION_PREFIX}, by property name. */
    public static java.util.Map<String, String> storeOptions() {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(OPTION_PREFIX)) {
                out.put(name.substring(OPTION_PREFIX.length()), System.getProperty(name));
            }
        }
        return out;
    }

    public static String dir() {
        return firstSet(System.getProperty(DIR_PROPERTY), System.getProperty("java.io.tmpdir"));
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
