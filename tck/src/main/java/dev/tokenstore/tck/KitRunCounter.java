package dev.tokenstore.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a kit run in which no test started. Counts per run of a kit class, that is per JUnit
 * container (its unique id), not per Java class: the same kit class nested in several backends'
 * run classes is several runs, and each must have started tests of its own.
 */
final class KitRunCounter implements BeforeEachCallback, AfterAllCallback {
    private static final Map<String, AtomicInteger> STARTED = new ConcurrentHashMap<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        for (Optional<ExtensionContext> c = context.getParent(); c.isPresent(); c = c.get().getParent()) {
            if (isKitRun(c.get())) {
                STARTED.computeIfAbsent(c.get().getUniqueId(), k -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!isKitRun(context)) {
            return; // one of a kit's @Nested groups: its kit run is checked as a whole
        }
        AtomicInteger started = STARTED.remove(context.getUniqueId());
        assertTrue(started != null && started.get() > 0, () -> "no test of " + context.getRequiredTestClass().getName()
                + " started in " + context.getUniqueId() + ": check that the subclass implements newStorage() "
                + "and that its @Nested groups are discovered");
    }

    /** A container running a kit class itself (a {@link StoreKit} subclass), not one of its groups. */
    private static boolean isKitRun(ExtensionContext context) {
        return context.getTestMethod().isEmpty() && context.getTestClass().map(StoreKit.class::isAssignableFrom)
                .orElse(false);
    }
}
