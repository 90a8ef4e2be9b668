package dev.tokenstore.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The timers of one {@link TimedTokenStore}, one per operation and outcome, registered on first
 * use (so operations never called add no meters). Outcomes: {@code success}; {@code not_found}
 * (an empty result or {@code false}); {@code invalid} (an {@link IllegalArgumentException});
 * {@code error} (any other exception).
 */
final class OperationTimers {
    static final String NAME = "tokenstore.operations";
    static final String SUCCESS = "success";
    static final String NOT_FOUND = "not_found";
    static final String INVALID = "invalid";
    static final String ERROR = "error";
    private static final String[] OUTCOMES = {SUCCESS, NOT_FOUND, INVALID, ERROR};

    private final MeterRegistry registry;
    private final Tags tags;
    private final AtomicReferenceArray<Timer> timers =
            new AtomicReferenceArray<>(Operation.values().length * OUTCOMES.length);

    OperationTimers(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
    }

    /** Records a call that returned {@code result}: {@code not_found} for an empty Optional or false. */
    void returned(Operation op, long startNanos, Object result) {
        boolean empty = result instanceof Optional<?> o && o.isEmpty() || Boolean.FALSE.equals(result);
        record(op, empty ? 1 : 0, startNanos);
    }

    void threw(Operation op, long startNanos, Throwable failure) {
        record(op, failure instanceof IllegalArgumentException ? 2 : 3, startNanos);
    }

    private void record(Operation op, int outcome, long startNanos) {
        long elapsed = System.nanoTime() - startNanos;
        int index = op.ordinal() * OUTCOMES.length + outcome;
        Timer timer = timers.get(index);
        if (timer == null) {
            timer = Timer.builder(NAME).tags(tags).tag("operation", op.tag).tag("outcome", OUTCOMES[outcome])
                    .description("Time taken by tokenstore operations, by operation and outcome")
                    .register(registry);
            timers.set(index, timer);
        }
        timer.record(elapsed, TimeUnit.NANOSECONDS);
    }
}
