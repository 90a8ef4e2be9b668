package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import java.sql.SQLException;
import java.time.Clock;

/**
 * Publishes changes as payloads of a {@link ChangeChannel}, split to its size limit, and wakes the
 * channel after commit. The channel keeps its payloads in the change-log table (its topic), which
 * this publisher prunes like {@link ChangeLogPublisher} does.
 */
final class ChannelPublisher implements ChangePublisher {
    private final ChangeChannel channel;
    private final String topic;
    private final Clock clock;
    private final ChangeLogPruner pruner;

    ChannelPublisher(ChangeChannel channel, String topic, Clock clock, ChangeLogPruner pruner) {
        this.channel = channel;
        this.topic = topic;
        this.clock = clock;
        this.pruner = pruner;
    }

    @Override
    public void flush(Tx tx, ChangeEvent changes) throws SQLException {
        long now = clock.millis();
        pruner.now(tx, now);
        channel.publish(tx.connection(), topic, now, ChangeCodec.encode(changes, channel.maxPayloadBytes()));
    }

    @Override
    public void committed() {
        channel.committed(topic);
    }

    @Override
    public int prune(Tx tx, long now, int limit) throws SQLException {
        return pruner.prune(tx, now, limit);
    }
}
