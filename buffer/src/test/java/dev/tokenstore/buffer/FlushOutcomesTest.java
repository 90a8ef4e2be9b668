package dev.tokenstore.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenHash;
import dev.tokenstore.TokenStoreException;
import dev.tokenstore.testing.TestClock;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * What the buffer tells about its flushes, on its own: counters, batch listeners,
 * {@code onFlushError} and the log lines, read through a recording {@link Logger}.
 */
@DisplayName("flush outcomes: counters, listeners, onFlushError, log lines")
class FlushOutcomesTest {
    private final Sessions sessions = new Sessions(new TestClock());
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<FlushFailure> told = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final FlushOutcomes outcomes = new FlushOutcomes(recordingLogger(), told::add, lock);

    /** A logger that keeps "LEVEL formatted message" for warn, error and debug calls. */
    private Logger recordingLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.startsWith("is")) {
                        return true;
                    }
                    if ((name.equals("warn") || name.equals("error") || name.equals("debug"))
                            && args != null && args[0] instanceof String format) {
                        Object[] rest = Arrays.copyOfRange(args, 1, args.length);
                        if (rest.length == 1 && rest[0] instanceof Object[] varargs) {
                            rest = varargs;
                        }
                        lines.add(name.toUpperCase() + " " + MessageFormatter.arrayFormat(format, rest).getMessage());
                    }
                    return method.getReturnType() == String.class ? "recording" : null;
                });
    }

    private PendingWrite write(StoredSession s, RuntimeException failure) {
        PendingWrite w = new PendingWrite(s, s.accessTokenHash(), s.refreshTokenHash(), 1, 0, null);
        if (failure != null) {
            w.giveUp(PendingWrite.State.REFUSED, failure);
        }
        return w;
    }

    @Test
    @DisplayName("counters: batches count only when something was written; the average is per batch")
    void counters() {
        outcomes.settled(3);
        outcomes.settled(0);
        outcomes.settled(1);
        outcomes.coalesced();
        outcomes.retried();
        BufferStats stats = outcomes.stats(7);
        assertEquals(7, stats.pending());
        assertEquals(4, stats.flushed());
        assertEquals(2, stats.batches());
        assertEquals(2.0, stats.meanBatchSize());
        assertEquals(1, stats.coalesced());
        assertEquals(1, stats.retries());
        assertEquals(0, stats.failures());
        assertEquals(0.0, new FlushOutcomes(recordingLogger(), f -> { }, lock).stats(0).meanBatchSize());
    }

    @Test
    @DisplayName("a settled batch yields one report for refused writes and one for set-aside ones, each a failure")
    void failureReports() {
        StoredSession a = sessions.session("a", "u");
        StoredSession b = sessions.session("b", "u");
        IllegalArgumentException refusal = new IllegalArgumentException("bad");
        List<FlushFailure> reports = outcomes.failuresOf(List.of(write(a, refusal)),
                List.of(write(b, null)), 4);
        assertEquals(2, reports.size());
        assertTrue(reports.get(0).refused());
        assertEquals(refusal, reports.get(0).cause());
        assertEquals(List.of("a"), reports.get(0).sessionIds());
        assertFalse(reports.get(1).refused());
        assertTrue(reports.get(1).cause() instanceof TokenStoreException, "a generic cause when none was kept");
        assertEquals(4, reports.get(1).attempts());
        assertEquals(2, outcomes.stats(0).failures());
        assertTrue(outcomes.failuresOf(List.of(), List.of(), 1).isEmpty());
        assertTrue(told.isEmpty(), "building reports tells no one");
    }

    @Test
    @DisplayName("a report is logged by count, kind and session-id fingerprint, never a token, then handed to onFlushError")
    void reportIsLoggedWithoutSecrets() {
        StoredSession s = sessions.session("session-1", "u");
        FlushFailure failure = new FlushFailure(new IllegalArgumentException("value " + s.accessToken()),
                List.of(s), 1, true);
        outcomes.report(failure);
        assertEquals(List.of(failure), told);
        assertEquals(1, lines.size());
        String line = lines.get(0);
        assertTrue(line.startsWith("WARN 1 buffered session write(s) refused by the store after 1 attempt(s)"), line);
        assertTrue(line.contains("#" + TokenHash.sha256Hex("session-1").substring(0, 8)), line);
        assertTrue(line.contains("java.lang.IllegalArgumentException (refused)"), line);
        assertFalse(line.contains(s.accessToken()) || line.contains(s.refreshToken()) || line.contains("session-1"), line);
    }

    @Test
    @DisplayName("at most ten fingerprints are listed")
    void fingerprintsAreBounded() {
        List<StoredSession> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            many.add(sessions.session("s" + i, "u"));
        }
        String listed = FlushOutcomes.fingerprintsOf(many);
        assertEquals(10, listed.chars().filter(c -> c == '#').count());
        assertTrue(listed.endsWith(", …]"), listed);
        assertEquals("[]", FlushOutcomes.fingerprintsOf(List.of()));
    }

    @Test
    @DisplayName("an onFlushError that throws is logged by exception class and ignored")
    void throwingOnFlushError() {
        FlushOutcomes throwing = new FlushOutcomes(recordingLogger(), f -> {
            throw new IllegalStateException("listener bug");
        }, lock);
        throwing.report(new FlushFailure(new TokenStoreException("x"), List.of(sessions.session("a", "u")), 1, false));
        assertEquals("ERROR onFlushError listener threw java.lang.IllegalStateException", lines.get(lines.size() - 1));
    }

    @Test
    @DisplayName("an outage attempt is a failure told to onFlushError; warned once, then at debug level")
    void outageAttempts() {
        List<PendingWrite> batch = List.of(write(sessions.session("a", "u"), null));
        TokenStoreException down = new TokenStoreException("down");
        outcomes.outageAttemptFailed(batch, down, 1);
        outcomes.outageAttemptFailed(batch, down, 2);
        assertEquals(2, told.size());
        assertFalse(told.get(0).refused());
        assertEquals(2, outcomes.stats(0).failures());
        assertTrue(lines.get(0).startsWith("WARN 1 buffered session write(s) wait for the database"), lines.get(0));
        assertTrue(lines.get(1).startsWith("DEBUG 1 buffered session write(s) still wait for the database (attempt 2)"),
                lines.get(1));
    }

    @Test
    @DisplayName("batch listeners hear every batch; one that throws is logged and the others still hear it")
    void batchListeners() {
        outcomes.batchCommitted(5, 10); // no listener yet: nothing happens
        List<long[]> heard = new CopyOnWriteArrayList<>();
        outcomes.addBatchListener((size, nanos) -> {
            throw new IllegalStateException("broken");
        });
        outcomes.addBatchListener((size, nanos) -> heard.add(new long[] {size, nanos}));
        outcomes.batchCommitted(3, 42);
        assertEquals(1, heard.size());
        assertEquals(3, heard.get(0)[0]);
        assertEquals(42, heard.get(0)[1]);
        assertEquals(List.of("ERROR batch listener threw java.lang.IllegalStateException"), lines);
    }

    @Test
    @DisplayName("the flusher's death and a close that left writes behind are logged, by class and fingerprint")
    void deathAndClose() {
        outcomes.died(new OutOfMemoryError("x"));
        outcomes.closedUnwritten(List.of(write(sessions.session("a", "u"), null)));
        assertEquals("ERROR buffer flusher thread stopped unexpectedly (java.lang.OutOfMemoryError); queued writes are "
                + "handed back by close()", lines.get(0));
        assertEquals("WARN buffer closed with 1 session write(s) not written: [#"
                + TokenHash.sha256Hex("a").substring(0, 8) + "]", lines.get(1));
    }
}
