package dev.tokenstore.jmh;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code storeSession} of a new session (a sign-in) with 1 and with 16 threads. Each call builds
 * a new realistic record (about a microsecond, included). With the write buffer, a write-behind
 * call returns once queued (the bounded queue pushes back when flushing cannot keep up), a
 * group-commit call once its batch has committed; pending writes are flushed, untimed, after
 * each iteration. See {@link BulkBenchmark#loopStore1000} for write-behind measured including
 * its flush.
 *
 * <p>Do not read {@code store16} on write-behind as a throughput: when the bounded queue is full,
 * writers wait and are released in bursts; JMH times each thread from its first measured call,
 * so a thread that waited long before it gets a short window and a burst, and JMH's per-thread
 * sum then overstates the rate (by 10x and more). The flusher bounds write-behind whatever the
 * thread count, so its 1-thread figures are the ones to use.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SessionWriteBenchmark extends StoreState {

    @Benchmark
    public void store(Writer writer) {
        store.storeSession(writer.factory.session(Instant.now()));
    }

    @Benchmark
    @Threads(16)
    public void store16(Writer writer) {
        store.storeSession(writer.factory.session(Instant.now()));
    }
}
