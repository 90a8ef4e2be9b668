package dev.tokenstore.jmh;

import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Per-thread maker of new records for the write benchmarks, each thread with its own seed. */
@State(Scope.Thread)
public class Writer {
    private static final AtomicLong SEEDS = new AtomicLong(StoreState.SEED * 31);
    final SessionFactory factory = new SessionFactory(SEEDS.incrementAndGet());
}
