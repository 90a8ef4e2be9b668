package dev.tokenstore.jmh;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The operation groups the comparison command can run ({@code --ops}), what each measures, and
 * which wrappings the short curated run uses for it (the full run uses every wrapping).
 */
public final class Ops {

    /**
     * One group of benchmark methods run with the same parameters.
     *
     * @param name          the {@code --ops} name
     * @param benchmarks    fully qualified benchmark methods
     * @param wrappings     wrappings in the curated run; empty for the floors (no wrapping parameter)
     * @param sqlOnly       only for SQL backends (bulk operations, JDBC floors)
     * @param curated       part of the default curated run
     * @param description   one line for {@code --help} and the report
     */
    public record Group(String name, List<String> benchmarks, List<Wrapping> wrappings, boolean sqlOnly, boolean curated,
            String description) {

        public boolean hasWrapping() {
            return !wrappings.isEmpty();
        }

        public boolean hasBackend() {
            return !benchmarks.stream().allMatch(b -> b.startsWith(MapFloorBenchmark.class.getName()));
        }
    }

    public static final List<Group> GROUPS = List.of(
            new Group("load", methods(SessionReadBenchmark.class, "loadByAccessToken", "loadByAccessToken2t"),
                    List.of(Wrapping.RAW, Wrapping.CACHED), false, true,
                    "loadSessionByAccessToken hit, 1 and 2 threads (cache vs raw)"),
            new Group("reads", methods(SessionReadBenchmark.class, "loadById", "loadByRefreshToken", "loadMiss"),
                    List.of(Wrapping.RAW, Wrapping.CACHED), false, false,
                    "load hit by id and by refresh token, load miss"),
            new Group("store", methods(SessionWriteBenchmark.class, "store"),
                    List.of(Wrapping.RAW, Wrapping.BUFFERED, Wrapping.GROUP_COMMIT), false, true,
                    "storeSession of a new session, 1 thread (write-behind, group commit vs raw)"),
            // not write-behind: its back-pressure releases writers in bursts, and a thread whose first
            // measured call waited long gets a short JMH window, so JMH's per-thread sum overstates it
            new Group("store16", methods(SessionWriteBenchmark.class, "store16"),
                    List.of(Wrapping.RAW, Wrapping.GROUP_COMMIT), false, true,
                    "storeSession, 16 threads (group commit vs raw)"),
            new Group("writebehind", methods(BulkBenchmark.class, "loopStore1000"),
                    List.of(Wrapping.RAW, Wrapping.BUFFERED), true, true,
                    "1000 x storeSession then flush(), per session (write-behind incl. flushing vs raw autocommit)"),
            new Group("bulk", methods(BulkBenchmark.class, "bulkStore1000", "bulkDelete500", "loopDelete500"),
                    List.of(Wrapping.RAW), true, true,
                    "bulkStoreSessions(1000), bulkDeleteSessionsByHash(500) and looped deletes, per session"),
            new Group("onetime", methods(OneTimeBenchmark.class, "stateStoreConsume", "codeStoreConsume"),
                    List.of(Wrapping.RAW), false, false,
                    "store + consume of a state / an authorization code"),
            new Group("cleanup", methods(CleanupBenchmark.class, "cleanupExpired"),
                    List.of(Wrapping.RAW), false, false,
                    "cleanupExpired on preload rows of which half expired (single shot)"),
            new Group("floors", floors(), List.of(), false, true,
                    "ConcurrentHashMap.get, bare Caffeine get (per-entry expiry); hand-written JDBC select, insert, 16-row and 1000-row executeBatch"));

    /**
     * {@code --verdicts}: only what the DESIGN.md targets are judged on (each target's benchmarks and
     * floors, no 2-thread or write-behind-store figures), run with 2 forks.
     */
    public static final List<Group> VERDICTS = List.of(
            new Group("load", methods(SessionReadBenchmark.class, "loadByAccessToken"),
                    List.of(Wrapping.RAW, Wrapping.CACHED), false, true, "cached hit vs raw read and vs bare Caffeine"),
            new Group("store", methods(SessionWriteBenchmark.class, "store"),
                    List.of(Wrapping.RAW, Wrapping.GROUP_COMMIT), false, true, "group commit with 1 writer vs raw"),
            new Group("store16", methods(SessionWriteBenchmark.class, "store16"),
                    List.of(Wrapping.RAW, Wrapping.GROUP_COMMIT), true, true,
                    "group commit with 16 writers vs raw and the engine ceiling"),
            new Group("writebehind", methods(BulkBenchmark.class, "loopStore1000"),
                    List.of(Wrapping.RAW, Wrapping.BUFFERED), true, true, "write-behind incl. flush vs executeBatch"),
            new Group("bulk", methods(BulkBenchmark.class, "bulkStore1000", "bulkDelete500", "loopDelete500"),
                    List.of(Wrapping.RAW), true, true, "bulk vs looped, vs the JDBC batch floor"),
            new Group("floors", methods(MapFloorBenchmark.class, "caffeineGet", JdbcFloorBenchmark.class,
                    "select", "insert", "batchInsert16", "batchInsert1000"), List.of(), false, true,
                    "bare Caffeine get; hand-written JDBC select, insert, 16-row and 1000-row executeBatch"));

    /** {@code --scale}: how the cost of a call grows with the stored sessions (database backends). */
    public static final List<Group> SCALE = List.of(
            new Group("load", methods(SessionReadBenchmark.class, "loadByAccessToken"),
                    List.of(Wrapping.RAW, Wrapping.CACHED), true, true, "loadSessionByAccessToken hit"),
            new Group("store", methods(SessionWriteBenchmark.class, "store"),
                    List.of(Wrapping.RAW), true, true, "storeSession of a new session"),
            new Group("cleanup", methods(CleanupBenchmark.class, "cleanupExpired"),
                    List.of(Wrapping.RAW), true, true, "cleanupExpired of 10k expired sessions, per expired row"),
            new Group("floors", methods(MapFloorBenchmark.class, "caffeineGet"), List.of(), false, true,
                    "bare Caffeine get (per-entry expiry) over as many sessions: the cached hit's floor"));

    private Ops() {
    }

    private static List<String> methods(Class<?> first, String a, Class<?> second, String... more) {
        List<String> all = new java.util.ArrayList<>(methods(first, a));
        all.addAll(methods(second, more));
        return List.copyOf(all);
    }

    private static List<String> methods(Class<?> type, String... names) {
        return java.util.Arrays.stream(names).map(n -> type.getName() + "." + n).toList();
    }

    private static List<String> floors() {
        List<String> all = new java.util.ArrayList<>(methods(MapFloorBenchmark.class, "chmGet", "caffeineGet"));
        all.addAll(methods(JdbcFloorBenchmark.class, "select", "insert", "batchInsert16", "batchInsert1000"));
        return List.copyOf(all);
    }

    public static Group group(String name) {
        return group(name, GROUPS);
    }

    /** The group of this name among {@code known} (a run mode's groups). */
    public static Group group(String name, List<Group> known) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return known.stream().filter(g -> g.name().equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--ops: unknown operation group '" + name + "'; known: "
                        + known.stream().map(Group::name).collect(Collectors.joining(", ")) + ", all"));
    }

    /** Report order of a benchmark method name. */
    public static int order(String operation) {
        int i = 0;
        for (Group g : GROUPS) {
            for (String b : g.benchmarks()) {
                if (b.endsWith("." + operation)) {
                    return i;
                }
                i++;
            }
        }
        return i;
    }
}
