package dev.tokenstore.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.StateRecord;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A second operating-system process on the same file: both consume the same states at the same
 * time, and every state is won exactly once, by one of them. Both processes open their store,
 * then wait for one start signal (a file the parent creates). Then they go through the states in
 * rounds: in round r both try to consume state r, then each says so with a file and waits for the
 * other's, so every state is raced for by both (SQLite hands its write lock to whoever asks first,
 * and a busy process would otherwise starve the other through its busy-wait back-off). Each must
 * have won some: otherwise they did not race.
 */
class SqliteTwoProcessesTest extends SqliteFixture {
    private static final int STATES = 100;
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    /** A bound on waiting for the other process, so a hang fails the test (not a speed claim). */
    private static final long WAIT_SECONDS = 60;

    @Test
    void twoProcessesConsumingTheSameStatesWinEachExactlyOnce() throws Exception {
        TokenStore store = open();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < STATES; i++) {
            StateRecord state = data.state(Duration.ofMinutes(10));
            store.storeState(state);
            values.add(state.state());
        }
        Path list = dir.resolve("states.txt");
        Files.write(list, values);
        Path start = dir.resolve("start");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ConsumerProcess.class.getName(), file().toString(), list.toString(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Set<String> childWon = new HashSet<>();
        Set<String> parentWon = new HashSet<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine(), "the child opened its store and waits for the start signal");
            Thread parent = new Thread(() -> race(store, values, dir, "parent", "child", parentWon::add),
                    "parent-consumer");
            java.util.concurrent.atomic.AtomicReference<Throwable> parentFailed = new java.util.concurrent.atomic.AtomicReference<>();
            parent.setUncaughtExceptionHandler((t, e) -> parentFailed.set(e));
            parent.start();
            Files.createFile(start); // one signal, seen by both consumers
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("won ")) {
                    childWon.add(line.substring(4));
                }
            }
            parent.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertTrue(!parent.isAlive() && parentFailed.get() == null, "the parent's consumer finished: " + parentFailed.get());
        } finally {
            assertTrue(child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "the child finished");
        }
        assertEquals(0, child.exitValue(), "the child saw no error");
        Set<String> both = new HashSet<>(parentWon);
        both.retainAll(childWon);
        assertEquals(Set.of(), both, "no state was returned to both processes");
        assertEquals(STATES, parentWon.size() + childWon.size(), "every state was returned to one process");
        assertTrue(!parentWon.isEmpty() && !childWon.isEmpty(), "both processes won some, so they raced: parent "
                + parentWon.size() + ", child " + childWon.size());
    }

    /**
     * After the start signal, round r: consume state r, say so (file {@code me-r}), wait for the
     * other's {@code other-r}. The process that lost round r (it waited for the lock) finishes it
     * last, so it starts the next round first: the two end up taking turns at winning.
     */
    static void race(TokenStore store, List<String> values, Path signals, String me, String other,
            java.util.function.Consumer<String> won) {
        awaitFile(signals.resolve("start"));
        try {
            for (int r = 0; r < values.size(); r++) {
                if (store.consumeState(values.get(r)).isPresent()) {
                    won.accept(values.get(r));
                }
                Files.createFile(signals.resolve(me + "-" + r));
                awaitFile(signals.resolve(other + "-" + r));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits for a signal file to exist, polling it; fails after {@value #WAIT_SECONDS} s. */
    static void awaitFile(Path start) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!Files.exists(start)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no signal " + start + " within " + WAIT_SECONDS + " s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000); // poll interval; the file is the signal
        }
    }

    /** The other process: opens a store on the file, then races the parent round by round (see {@link #race}). */
    public static final class ConsumerProcess {
        public static void main(String[] args) throws Exception {
            List<String> values = Files.readAllLines(Path.of(args[1]));
            TokenStoreOptions options = TokenStoreOptions.builder().url("jdbc:sqlite:" + args[0])
                    .clock(Clock.fixed(NOW, ZoneOffset.UTC)).encryptionKey(KEY).build();
            int exit = 0;
            try (TokenStore store = TokenStores.open(options)) {
                System.out.println("ready");
                System.out.flush();
                List<String> won = new ArrayList<>();
                race(store, values, Path.of(args[2]), "child", "parent", won::add);
                won.forEach(value -> System.out.println("won " + value));
            } catch (RuntimeException e) {
                e.printStackTrace();
                exit = 1;
            }
            System.out.flush();
            System.exit(exit);
        }
    }
}
