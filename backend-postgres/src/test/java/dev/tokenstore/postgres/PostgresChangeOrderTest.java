package dev.tokenstore.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL change log is numbered by transaction id, which is not commit order: these tests
 * commit a lower-numbered transaction after a higher-numbered one was read, and hold the horizon
 * back with an open transaction, and check that every change still reaches another instance, once.
 */
class PostgresChangeOrderTest extends PostgresFixture {
    private static final long DEADLINE_MILLIS = 10_000;

    private final List<ChangeEvent> received = new CopyOnWriteArrayList<>();

    private TokenStore listeningStore() {
        TokenStore b = open();
        track(((ChangeFeed) b).subscribe(received::add));
        awaitTrue("the listener has connected (its first reset)", () -> received.stream().anyMatch(ChangeEvent::isReset));
        return b;
    }

    private long eventsNaming(StoredSession s) {
        String key = ChangeEvent.keyOf(s.sessionId());
        return received.stream().filter(e -> e.sessionIdHashes().contains(key)).count();
    }

    @Test
    void aTransactionWithALowerIdCommittingAfterAHigherOneIsStillDelivered() throws Exception {
        TokenStore a = open();
        listeningStore();
        StoredSession early = data.session("early");
        StoredSession late = data.session("late");
        CompletableFuture<Void> lateWritten = new CompletableFuture<>();
        ((TransactionalTokenStore) a).inTransaction(tx -> {
            tx.storeSession(early); // takes its transaction id now
            // another transaction, with a higher id, commits and is delivered first
            CompletableFuture.runAsync(() -> a.storeSession(late)).join();
            awaitTrue("the later-numbered change arrives first", () -> eventsNaming(late) == 1);
            assertEquals(0, eventsNaming(early), "not committed yet");
            lateWritten.complete(null);
            return null;
        });
        lateWritten.get(1, TimeUnit.SECONDS);
        awaitTrue("the lower-numbered change committed later arrives too", () -> eventsNaming(early) == 1);
    }

    @Test
    void aWriteLeftOpenElsewhereDelaysNothingAndNothingArrivesTwice() throws Exception {
        TokenStore a = open();
        listeningStore();
        try (Connection open = server.connect(); Statement st = open.createStatement()) {
            open.setAutoCommit(false);
            st.execute("SELECT pg_current_xact_id()"); // an id below every later one: the horizon stays here
            StoredSession s = data.session("while-open");
            a.storeSession(s);
            awaitTrue("delivered while the horizon is held back", () -> eventsNaming(s) == 1);
            Thread.sleep(500); // several heartbeats re-read the row above the horizon
            assertEquals(1, eventsNaming(s), "delivered once, however often it is re-read");
            open.rollback();
        }
        StoredSession after = data.session("after");
        a.storeSession(after);
        awaitTrue("delivered after the horizon moved on", () -> eventsNaming(after) == 1);
        assertTrue(received.stream().filter(ChangeEvent::isReset).count() <= 1,
                "no reset but the first connect's: " + received.stream().filter(ChangeEvent::isReset).count());
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE_MILLIS + " ms: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
