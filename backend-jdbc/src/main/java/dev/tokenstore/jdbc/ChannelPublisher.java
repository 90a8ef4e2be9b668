package dev.tokenstore.jdbc;

import dev.tokenstore.ChangeEvent;
import java.sql.SQLException;

/** Publishes changes as payloads of a {@link ChangeChannel}, split to its size limit. */
final class ChannelPublisher implements ChangePublisher {
    private final ChangeChannel channel;
    private final String topic;

    ChannelPublisher(ChangeChannel channel, String topic) {
        this.channel = channel;
        this.topic = topic;
    }

    @Override
    public void flush(Tx tx, ChangeEvent changes) throws SQLException {
        channel.publish(tx.connection(), topic, ChangeCodec.encode(changes, channel.maxPayloadBytes()));
    }
}
