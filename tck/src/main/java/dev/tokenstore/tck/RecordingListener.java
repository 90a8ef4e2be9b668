package dev.tokenstore.tck;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.ChangeListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A {@link ChangeListener} that keeps every event it gets, for the kits to wait on and inspect. */
public final class RecordingListener implements ChangeListener {
    private final List<ChangeEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onChange(ChangeEvent event) {
        events.add(event);
    }

    /** Every event so far, in delivery order. */
    public List<ChangeEvent> events() {
        return List.copyOf(events);
    }

    /** True if some event so far matches. */
    public boolean saw(Predicate<ChangeEvent> match) {
        return events.stream().anyMatch(match);
    }

    /** Waits until some event matches (see {@link Eventually}). */
    public void await(String what, Predicate<ChangeEvent> match) {
        Eventually.within(Eventually.FEED_DEADLINE, what, () -> saw(match));
    }

    /** True if some event so far names this session id (or a reset happened, which names everything). */
    public boolean sawSession(String sessionId) {
        String key = ChangeEvent.keyOf(sessionId);
        return saw(e -> e.sessionIdHashes().contains(key));
    }
}
