package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokenstore.AuthCodeRecord;
import dev.tokenstore.TokenStore;
import dev.tokenstore.testing.ConsumeRace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
}
