package dev.tokenstore.cache;

import dev.tokenstore.ClientRecord;

/** One cached client lookup: the client (or null for "not found") and its deadline in ticker nanos. */
record ClientEntry(ClientRecord client, long deadline) {
    @Override
    public String toString() {
        return client == null ? "ClientEntry[missing]" : "ClientEntry[clientId=" + client.clientId() + "]";
    }
}
