package dev.tokenstore.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenstore.BulkSessionStore;
import dev.tokenstore.ChangeEvent;
import dev.tokenstore.ChangeFeed;
import dev.tokenstore.ChangeSubscription;
import dev.tokenstore.ClientRecord;
import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenStore;
import dev.tokenstore.TransactionalTokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@link ChangeFeed} contract, run by {@link TokenStoreCompatibilityKit} over the store under
 * test (raw or wrapped): every committed session and client write is announced by hashes, nothing
 * uncommitted is, other instances' writes arrive too, subscriptions confirm they are caught up and
 * stop when closed. Skipped where the store has no feed.
 */
abstract class ChangeFeedContract {

    abstract TokenStoreCompatibilityKit kit();

    private TokenStore store;
    private RecordingListener events;

    @BeforeEach
    void subscribe() {
        store = kit().store;
        assumeTrue(store.features().changeFeed().isPresent(), "the store has no change feed");
        events = new RecordingListener();
        kit().track(store.features().changeFeed().orElseThrow().subscribe(events));
    }

    /** Writes a client and waits for its event: everything committed before it has arrived. */
    private void barrier() {
        String marker = "marker-" + TestData.token().substring(0, 10);
        store.storeClient(kit().data.client(marker));
        events.await("the marker client's event", e -> e.clientIds().contains(marker));
    }

    @Test
    @DisplayName("a stored session is announced by its id hash and its tokens' hashes, never raw values")
    void storeAnnounced() {
        StoredSession s = kit().data.session();
        store.storeSession(s);
        events.await("the stored session's event", e -> e.sessionIdHashes().contains(ChangeEvent.keyOf(s.sessionId()))
                && e.tokenHashes().contains(s.accessTokenHash()) && e.tokenHashes().contains(s.refreshTokenHash()));
        for (ChangeEvent e : events.events()) {
            String all = e.sessionIdHashes() + " " + e.tokenHashes() + " " + e.userIdHashes();
            assertFalse(all.contains(s.sessionId()) || all.contains(s.accessToken()) || all.contains(s.refreshToken())
                    || all.contains(s.userId()), "an event carries a raw id or token");
        }
    }

    @Test
    @DisplayName("deletes by id, by access token and by user are announced")
    void deletesAnnounced() {
        StoredSession byId = kit().data.session();
        StoredSession byToken = kit().data.session();
        StoredSession byUser = kit().data.session("feed-user-" + TestData.token().substring(0, 8));
        List.of(byId, byToken, byUser).forEach(store::storeSession);
        assertTrue(store.deleteSessionById(byId.sessionId()));
        assertTrue(store.deleteSessionByAccessToken(byToken.accessToken()));
        assertEquals(1, store.deleteSessionsByUser(byUser.userId()));
        // each session was announced once when stored; its delete is a second event naming it
        awaitCount("delete by id", 2, e -> e.sessionIdHashes().contains(ChangeEvent.keyOf(byId.sessionId())));
        awaitCount("delete by access token", 2, e -> e.tokenHashes().contains(byToken.accessTokenHash()));
        events.await("revocation of the user", e -> e.userIdHashes().contains(ChangeEvent.keyOf(byUser.userId())));
    }

    private void awaitCount(String what, int atLeast, Predicate<ChangeEvent> match) {
        Eventually.within(Eventually.FEED_DEADLINE, what,
                () -> events.events().stream().filter(match).count() >= atLeast);
    }

    @Test
    @DisplayName("client stores and deletes are announced by client id")
    void clientsAnnounced() {
        ClientRecord c = kit().data.client("feed-client-" + TestData.token().substring(0, 8));
        store.storeClient(c);
        events.await("the stored client", e -> e.clientIds().contains(c.clientId()));
        assertTrue(store.deleteClient(c.clientId()));
        awaitCount("the deleted client", 2, e -> e.clientIds().contains(c.clientId()));
    }

    @Test
    @DisplayName("a refused write and a delete that found nothing are never announced")
    void refusedNotAnnounced() {
        StoredSession holder = kit().data.session();
        store.storeSession(holder);
        StoredSession thief = new StoredSession("sid-" + TestData.token(), "github", holder.userInfo(),
                holder.accessToken(), null, null, null, null, holder.accessExpiresAt(), null, null, holder.createdAt());
        assertThrows(IllegalArgumentException.class, () -> store.storeSession(thief));
        String ghost = "sid-" + TestData.token();
        assertFalse(store.deleteSessionById(ghost));
        barrier();
        assertFalse(events.sawSession(thief.sessionId()), "the refused session was announced");
        assertFalse(events.sawSession(ghost), "a delete of nothing was announced");
    }

    @Test
    @DisplayName("a rolled-back transaction is never announced")
    void rollbackNotAnnounced() {
        assumeTrue(store.features().transactions().isPresent(), "the store is no TransactionalTokenStore");
        StoredSession s = kit().data.session();
        assertThrows(IllegalStateException.class, () -> store.features().transactions().orElseThrow().inTransaction(tx -> {
            tx.storeSession(s);
            throw new IllegalStateException("roll back");
        }));
        barrier();
        assertFalse(events.sawSession(s.sessionId()), "a rolled-back write was announced");
    }

    @Test
    @DisplayName("a bulk write of many sessions announces every one of them")
    void bulkAnnounced() {
        assumeTrue(store.features().bulk().isPresent(), "the store is no BulkSessionStore");
        List<StoredSession> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            batch.add(kit().data.session());
        }
        store.features().bulk().orElseThrow().bulkStoreSessions(batch);
        Eventually.within(Eventually.FEED_DEADLINE, "every session of the batch announced",
                () -> batch.stream().allMatch(s -> events.sawSession(s.sessionId())));
        List<String> hashes = batch.stream().map(StoredSession::accessTokenHash).toList();
        assertEquals(300, store.features().bulk().orElseThrow().bulkDeleteSessionsByHash(hashes));
        Eventually.within(Eventually.FEED_DEADLINE, "every deleted hash announced a second time",
                () -> hashes.stream().allMatch(h -> events.events().stream()
                        .filter(e -> e.tokenHashes().contains(h)).count() >= 2));
    }

    @Test
    @DisplayName("another instance's writes reach this instance's subscribers")
    void otherInstance() {
        assumeTrue(kit().storage.sharesData(), "this backend's opens do not share data");
        TokenStore other = kit().openStore();
        StoredSession s = kit().data.session();
        other.storeSession(s);
        events.await("the other instance's write", e -> e.sessionIdHashes().contains(ChangeEvent.keyOf(s.sessionId())));
        other.deleteSessionsByUser(s.userId());
        events.await("the other instance's revocation",
                e -> e.userIdHashes().contains(ChangeEvent.keyOf(s.userId())));
    }

    @Test
    @DisplayName("a subscription confirms it is caught up, and a closed one gets nothing more")
    void caughtUpAndClose() {
        RecordingListener second = new RecordingListener();
        ChangeSubscription sub = store.features().changeFeed().orElseThrow().subscribe(second);
        Eventually.within(Eventually.FEED_DEADLINE, "the subscription confirms it is caught up",
                () -> System.nanoTime() - sub.caughtUpNanos() < Duration.ofSeconds(1).toNanos());
        sub.close();
        sub.close(); // idempotent
        StoredSession s = kit().data.session();
        store.storeSession(s);
        barrier();
        assertFalse(second.sawSession(s.sessionId()), "a closed subscription still got events");
    }

    @Test
    @DisplayName("subscribe(null) is rejected with IllegalArgumentException")
    void nullListener() {
        assertThrows(IllegalArgumentException.class, () -> store.features().changeFeed().orElseThrow().subscribe(null));
    }
}
