package dev.tokenstore.jmh;

import dev.tokenstore.TokenStore;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The shared part of every store benchmark: the {@code backend}, {@code wrapping} and
 * {@code preload} parameters and a fresh, preloaded {@link StoreFixture} per trial (fork).
 */
@State(Scope.Benchmark)
public abstract class StoreState {
    /** Seed of the preloaded data, fixed so runs are repeatable. */
    static final long SEED = 20_261_122L;

    @Param({"memory", "sqlite", "h2", "postgres"})
    public String backend;

    @Param({"raw", "cached", "buffered", "group-commit", "cached+buffered"})
    public String wrapping;

    /** Sessions stored before measuring. */
    @Param({"100000"})
    public int preload;

    /**
     * {@code on} (default) or {@code off}: the SQL backends' change feed ({@code jdbc.changeFeed}), so
     * a write's change-log row can be told apart from the rest of its cost ({@code -p feed=off}).
     */
    @Param({"on"})
    public String feed;

    StoreFixture fixture;
    TokenStore store;

    @Setup(Level.Trial)
    public void openStore(BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        if (!feed.equals("on") && !feed.equals("off")) {
            throw new IllegalArgumentException("feed must be on or off, was " + feed);
        }
        Backend b = Backend.of(backend);
        fixture = StoreFixture.open(b, Wrapping.of(wrapping), preloadCount(), SEED,
                lookupOf(benchmark.substring(benchmark.lastIndexOf('.') + 1)),
                options -> b.sql() ? options.property("jdbc.changeFeed", feed) : options);
        store = fixture.store();
    }

    /** How the given benchmark method reads preloaded sessions (a cache is warmed for that); none by default. */
    StoreFixture.Lookup lookupOf(String method) {
        return StoreFixture.Lookup.NONE;
    }

    /** How many live sessions the fixture preloads; the cleanup benchmark takes half. */
    int preloadCount() {
        return preload;
    }

    @TearDown(Level.Iteration)
    public void settle() {
        fixture.flush();
    }

    @TearDown(Level.Trial)
    public void closeStore() {
        if (fixture != null) {
            String stats = Wrappers.stats(store);
            if (!stats.isEmpty()) {
                System.out.println("  [" + wrapping + " on " + backend + "] " + stats); // shows in JMH's log
            }
            fixture.close();
        }
    }
}
