package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.testing.ConsumeRace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Threads and two store objects (two pools) over one PostgreSQL schema, racing. */
class PostgresConcurrencyTest extends PostgresFixture {

    @Test
    void twoStoresConsumeEachOf500CodesExactlyOnceFrom16Threads() throws Exception {
        TokenStore a = open();
        TokenStore b = open(o -> o.poolSize(4));
        List<AuthCodeRecord> codes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            codes.add(data.code(Duration.ofMinutes(5)));
        }
        codes.forEach(a::storeAuthCode);
        ConsumeRace.assertEachCodeConsumedOnce(List.of(a, b), codes, 16);
        assertEquals(0, count("tokenstore_auth_codes"));
    }

    @Test
    void manyWritersOnTheSameSessionsAndUsersNeverFail() throws Exception {
        TokenStore a = open();
        TokenStore b = open();
        List<StoredSession> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sessions.add(data.session("sid-" + i, "user-" + (i % 4), Duration.ofHours(1), Duration.ofDays(1)));
        }
        List<Throwable> failures = ConsumeRace.run("pg-race", 16, t -> {
            TokenStore store = t % 2 == 0 ? a : b;
            Random random = new Random(t);
            for (int n = 0; n < 60; n++) {
                StoredSession s = sessions.get(random.nextInt(sessions.size()));
                switch (random.nextInt(6)) {
                    case 0 -> store.deleteSessionsByUser(s.userId());
                    case 1 -> store.deleteSessionById(s.sessionId());
                    default -> store.storeSession(data.rotated(s)); // fresh tokens: never a conflict
                }
            }
        });
        assertEquals(List.of(), failures, "conflicts are retried, never surfaced");
    }
}
