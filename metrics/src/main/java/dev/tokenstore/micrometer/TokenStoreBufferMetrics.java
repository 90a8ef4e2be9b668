package dev.tokenstore.micrometer;

import dev.tokenstore.Arguments;
import dev.tokenstore.buffer.BufferStats;
import dev.tokenstore.buffer.BufferedTokenStore;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds a {@link BufferedTokenStore}'s statistics, tagged {@code buffer=<name>}:
 * {@code tokenstore.buffer.pending} (gauge), the counters {@code .written}, {@code .batches},
 * {@code .coalesced}, {@code .retries} and {@code .failures} (from {@link BufferStats}, counted
 * since the buffer was built), and, for batches committed after binding, the batch-size
 * distribution {@code tokenstore.buffer.batch.size} and the flush latency timer
 * {@code tokenstore.buffer.flush} (through a {@link dev.tokenstore.buffer.BatchListener}).
 * Only counts and times; no tag carries a token, id or user data.
 */
public final class TokenStoreBufferMetrics implements MeterBinder {
    static final String PREFIX = "tokenstore.buffer.";

    /** One counter per {@link BufferStats} count: adding a count to the record is one line here. */
    private static final List<Count> COUNTS = List.of(
            new Count("written", "Session writes committed to the delegate", BufferStats::flushed),
            new Count("batches", "Batches committed to the delegate", BufferStats::batches),
            new Count("coalesced", "Writes replaced by a later write to the same session before a flush",
                    BufferStats::coalesced),
            new Count("retries", "Flush attempts repeated after a failure", BufferStats::retries),
            new Count("failures", "Failures reported to onFlushError (after all retries, or rejected records)",
                    BufferStats::failures));

    private record Count(String name, String description, ToDoubleFunction<BufferStats> value) {
    }

    private final BufferedTokenStore buffer;
    private final Tags tags;

    /** Meters for {@code buffer}, tagged {@code buffer=name} and {@code tags}. */
    public TokenStoreBufferMetrics(BufferedTokenStore buffer, String name, Iterable<Tag> tags) {
        Arguments.requireNonNull(buffer, "buffer");
        Arguments.requireText(name, "name");
        this.buffer = buffer;
        this.tags = Tags.of(tags).and("buffer", name);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(PREFIX + "pending", buffer, b -> b.stats().pending()).tags(tags)
                .description("Session writes queued or being committed right now").register(registry);
        for (Count count : COUNTS) {
            FunctionCounter.builder(PREFIX + count.name(), buffer, b -> count.value().applyAsDouble(b.stats()))
                    .tags(tags).description(count.description()).register(registry);
        }
        DistributionSummary batchSize = DistributionSummary.builder(PREFIX + "batch.size").tags(tags)
                .baseUnit("sessions").description("Session writes per committed batch").register(registry);
        Timer flush = Timer.builder(PREFIX + "flush").tags(tags)
                .description("Time from a batch's first flush attempt until it was settled, retries included")
                .register(registry);
        buffer.addBatchListener((sessions, elapsedNanos) -> {
            batchSize.record(sessions);
            flush.record(elapsedNanos, TimeUnit.NANOSECONDS);
        });
    }
}
