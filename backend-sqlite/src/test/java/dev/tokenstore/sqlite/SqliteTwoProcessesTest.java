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
 * then wait for one start signal (a file the parent creates), then go through all states in
 * their own shuffled order, so they race over the whole set; each must have won some, or they
 * did not race at all.
 */
class SqliteTwoProcessesTest extends SqliteFixture {
    private static final int STATES = 200;
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
                ConsumerProcess.class.getName(), file().toString(), list.toString(), start.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Set<String> childWon = new HashSet<>();
        Set<String> parentWon = new HashSet<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine(), "the child opened its store and waits for the start signal");
            Thread parent = new Thread(() -> {
                awaitStart(start);
                for (String value : shuffled(values, 1)) {
                    if (store.consumeState(value).isPresent()) {
                        parentWon.add(value);
                    }
                }
            }, "parent-consumer");
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

    /** The values in an order of their own (each process a different seed), so both race over all of them. */
    static List<String> shuffled(List<String> values, long seed) {
        List<String> order = new ArrayList<>(values);
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        return order;
    }

    /** Waits for the start file to exist, polling it; fails after {@value #WAIT_SECONDS} s. */
    static void awaitStart(Path start) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!Files.exists(start)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no start signal " + start + " within " + WAIT_SECONDS + " s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000); // poll interval; the file is the signal
        }
    }

    /** The other process: opens a store on the file, waits for the start signal, consumes every state it can. */
    public static final class ConsumerProcess {
        public static void main(String[] args) throws Exception {
            List<String> values = Files.readAllLines(Path.of(args[1]));
            TokenStoreOptions options = TokenStoreOptions.builder().url("jdbc:sqlite:" + args[0])
                    .clock(Clock.fixed(NOW, ZoneOffset.UTC)).encryptionKey(KEY).build();
            int exit = 0;
            try (TokenStore store = TokenStores.open(options)) {
                System.out.println("ready");
                System.out.flush();
                awaitStart(Path.of(args[2]));
                List<String> won = new ArrayList<>();
                for (String value : shuffled(values, 2)) {
                    if (store.consumeState(value).isPresent()) {
                        won.add(value);
                    }
                }
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
