package dev.tokenstore.h2;


import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.TokenStore;
import dev.tokenstore.testing.ConsumeRace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Threads and two store objects over one H2 file database, racing. */
class H2ConcurrencyTest extends H2Fixture {
    private static final int THREADS = 16;

    @Test
    void twoStoresOverOneFileConsumeEachOf500CodesExactlyOnce() throws Exception {
        TokenStore a = open();
        TokenStore b = open(o -> o.poolSize(4));
        List<AuthCodeRecord> codes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            AuthCodeRecord code = data.code(Duration.ofMinutes(5));
            codes.add(code);
            (i % 2 == 0 ? a : b).storeAuthCode(code);
        }
        ConsumeRace.assertEachCodeConsumedOnce(List.of(a, b), codes, THREADS);
    }
}
