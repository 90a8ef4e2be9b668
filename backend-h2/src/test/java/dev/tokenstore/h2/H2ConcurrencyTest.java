package dev.tokenstore.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.testing.ConsumeRace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

    @Test
    void manyWritersOnTheSameSessionsAndUsersNeverFail() throws Exception {
        TokenStore a = open();
        TokenStore b = open();
        List<StoredSession> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sessions.add(data.session("sid-" + i, "user-" + (i % 4), Duration.ofHours(1), Duration.ofDays(1)));
        }
        List<Throwable> failures = ConsumeRace.run("h2-race", THREADS, t -> {
            TokenStore store = t % 2 == 0 ? a : b;
            Random random = new Random(t);
            for (int n = 0; n < 150; n++) {
                StoredSession s = sessions.get(random.nextInt(sessions.size()));
                switch (random.nextInt(6)) {
                    case 0 -> store.deleteSessionsByUser(s.userId());
                    case 1 -> store.deleteSessionById(s.sessionId());
                    default -> store.storeSession(data.rotated(s)); // fresh tokens: never a conflict
                }
            }
        });
        assertEquals(List.of(), failures, "lock conflicts are retried, never surfaced");
        int live = 0;
        for (StoredSession s : sessions) {
            live += a.loadSessionById(s.sessionId()).isPresent() ? 1 : 0;
        }
        assertTrue(live <= sessions.size());
    }
}
