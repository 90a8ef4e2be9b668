package dev.tokenstore.jmh;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.StateRecord;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/** One-time values: one operation is storing a new state (or code) and consuming it. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OneTimeBenchmark extends StoreState {

    @Benchmark
    public Optional<StateRecord> stateStoreConsume(Writer writer) {
        StateRecord state = writer.factory.state(Instant.now());
        store.storeState(state);
        return store.consumeState(state.state());
    }

    @Benchmark
    public Optional<AuthCodeRecord> codeStoreConsume(Writer writer) {
        AuthCodeRecord code = writer.factory.authCode(Instant.now());
        store.storeAuthCode(code);
        return store.consumeAuthCode(code.code());
    }
}
