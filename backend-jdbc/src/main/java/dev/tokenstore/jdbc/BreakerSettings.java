package dev.tokenstore.jdbc;

import dev.tokenstore.TokenStoreOptions;
import java.time.Duration;
import java.util.Locale;

/**
 * The circuit breaker's {@code jdbc.breaker.*} options, read from {@link TokenStoreOptions} and
 * validated: it opens when at least {@code minimumCalls} of the last {@code windowCalls} calls were
 * judged and {@code failureRatePercent} of them failed at connection level (defaults: 5 of the last
 * 10), stays open {@code openMillis} (2 s), then lets one probe through.
 */
record BreakerSettings(boolean enabled, int minimumCalls, int failureRatePercent, int windowCalls,
        Duration openDuration) {
    static final String ENABLED = "jdbc.breaker.enabled";
    static final String MINIMUM_CALLS = "jdbc.breaker.minimumCalls";
    static final String FAILURE_RATE = "jdbc.breaker.failureRatePercent";
    static final String WINDOW_CALLS = "jdbc.breaker.windowCalls";
    static final String OPEN_MILLIS = "jdbc.breaker.openMillis";
    static final int DEFAULT_MINIMUM_CALLS = 5;
    static final int DEFAULT_FAILURE_RATE = 50;
    static final int DEFAULT_WINDOW_CALLS = 10;
    static final int DEFAULT_OPEN_MILLIS = 2_000;

    /**
     * @throws IllegalArgumentException naming the property that is invalid
     */
    static BreakerSettings from(TokenStoreOptions options) {
        String enabled = options.property(ENABLED).map(v -> v.trim().toLowerCase(Locale.ROOT)).orElse("true");
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new IllegalArgumentException("property " + ENABLED + " must be true or false, was '" + enabled + "'");
        }
        int minimumCalls = atLeast(options, MINIMUM_CALLS, DEFAULT_MINIMUM_CALLS, 1, 10_000);
        int rate = atLeast(options, FAILURE_RATE, DEFAULT_FAILURE_RATE, 1, 100);
        int windowCalls = atLeast(options, WINDOW_CALLS, DEFAULT_WINDOW_CALLS, 1, 10_000);
        if (minimumCalls > windowCalls) {
            throw new IllegalArgumentException("property " + MINIMUM_CALLS + " (" + minimumCalls
                    + ") must not exceed " + WINDOW_CALLS + " (" + windowCalls + ")");
        }
        int openMillis = atLeast(options, OPEN_MILLIS, DEFAULT_OPEN_MILLIS, 1, 3_600_000);
        return new BreakerSettings(enabled.equals("true"), minimumCalls, rate, windowCalls,
                Duration.ofMillis(openMillis));
    }

    private static int atLeast(TokenStoreOptions options, String name, int defaultValue, int min, int max) {
        int value = options.intProperty(name, defaultValue);
        if (value < min || value > max) {
            throw new IllegalArgumentException("property " + name + " must be between " + min + " and " + max
                    + ", was " + value);
        }
        return value;
    }
}
