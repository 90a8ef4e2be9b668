package dev.tokenstore;

/** Receives the events of a {@link ChangeFeed}; see there for threading and delivery guarantees. */
@FunctionalInterface
public interface ChangeListener {

    /** Called once per delivered event; an exception thrown here is logged and does not stop the feed. */
    void onChange(ChangeEvent event);
}
