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
    public void publish(Tx tx, ChangeEvent event) throws SQLException {
        if (!event.isEmpty()) {
            channel.publish(tx.connection(), topic, ChangeCodec.encode(event, channel.maxPayloadBytes()));
        }
    }
}
