package dev.tokenstore.jmh;

import dev.tokenstore.TokenCipher;
import dev.tokenstore.testing.FormatOneValues;
import dev.tokenstore.TokenCipher.Place;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What format 2 (a key derived by HMAC-SHA-256 from the master key and a random salt, which the
 * cipher's threads share for a bounded number of values; associated data bound to the value's place) costs
 * per value over format 1 (one AES-GCM key, associated data = key id), for a 46-character token.
 * {@code decryptFormat2} reads a value whose derived key the thread already holds (the other
 * values of a row, and rows written in the same period); {@code decryptFormat2NewSalt} the worst
 * case, every value from another salt (more than a thread holds), so every read derives and
 * expands a key. Target: under 2 µs added per value.
 *
 * <pre>java -cp jmh/target/benchmarks.jar org.openjdk.jmh.Main CipherBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CipherBenchmark {
    private static final Place PLACE = new Place("sessions", "access_token_enc",
            "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
    private TokenCipher cipher;
    private String token;
    private String formatOne;
    private String formatTwo;
    private String[] otherSalts;
    private int next;

    @Setup
    public void setUp() {
        cipher = TokenCipher.withKeys(Map.of("k1", "jmh-benchmark-key-of-32-bytes-ok".getBytes()), "k1");
        token = "at-" + "x".repeat(43);
        formatOne = FormatOneValues.withKey("k1", "jmh-benchmark-key-of-32-bytes-ok".getBytes()).encrypt(token);
        formatTwo = cipher.encrypt(token, PLACE);
        otherSalts = new String[1024];
        for (int i = 0; i < otherSalts.length; i++) {
            // a cipher of its own per value: a salt of its own, as if written by other threads or long ago
            otherSalts[i] = TokenCipher.withKeys(Map.of("k1", "jmh-benchmark-key-of-32-bytes-ok".getBytes()), "k1")
                    .encrypt(token, PLACE);
        }
    }

    @Benchmark
    public String encryptFormat2() {
        return cipher.encrypt(token, PLACE);
    }

    @Benchmark
    public String decryptFormat1() {
        return cipher.decrypt(formatOne);
    }

    @Benchmark
    public String decryptFormat2() {
        return cipher.decrypt(formatTwo, PLACE);
    }

    @Benchmark
    public String decryptFormat2NewSalt() {
        next = (next + 1) & (otherSalts.length - 1);
        return cipher.decrypt(otherSalts[next], PLACE);
    }

    @Benchmark
    public String keyedHash() {
        return cipher.keyedHash("user-1234567");
    }
}
