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
 * time, and every state is won exactly once, by one of them.
 */
class SqliteTwoProcessesTest extends SqliteFixture {
    private static final int STATES = 150;
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ConsumerProcess.class.getName(), file().toString(), list.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Set<String> childWon = new HashSet<>();
        Set<String> parentWon = new HashSet<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine(), "the child opened its store");
            for (String value : values) {
                if (store.consumeState(value).isPresent()) {
                    parentWon.add(value);
                }
            }
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("won ")) {
                    childWon.add(line.substring(4));
                }
            }
        } finally {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child finished");
        }
        assertEquals(0, child.exitValue(), "the child saw no error");
        Set<String> both = new HashSet<>(parentWon);
        both.retainAll(childWon);
        assertEquals(Set.of(), both, "no state was returned to both processes");
        assertEquals(STATES, parentWon.size() + childWon.size(), "every state was returned to one process");
    }

    /** The other process: opens a store on the file and consumes every listed state it can. */
    public static final class ConsumerProcess {
        public static void main(String[] args) throws Exception {
            List<String> values = Files.readAllLines(Path.of(args[1]));
            TokenStoreOptions options = TokenStoreOptions.builder().url("jdbc:sqlite:" + args[0])
                    .clock(Clock.fixed(NOW, ZoneOffset.UTC)).encryptionKey(KEY).build();
            int exit = 0;
            try (TokenStore store = TokenStores.open(options)) {
                System.out.println("ready");
                System.out.flush();
                for (String value : values) {
                    if (store.consumeState(value).isPresent()) {
                        System.out.println("won " + value);
                    }
                }
            } catch (RuntimeException e) {
                e.printStackTrace();
                exit = 1;
            }
            System.out.flush();
            System.exit(exit);
        }
    }
}
