package dev.tokenstore.jdbc;

import static dev.tokenstore.Arguments.requireNonNull;
import static dev.tokenstore.Arguments.requireText;

import dev.tokenstore.ChangeEvent;
import dev.tokenstore.ClientRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Registered clients in SQL: written and deleted with a change-feed event, listed in Java's string order. */
final class ClientSql extends SqlPart {
    ClientSql(SqlContext context) {
        super(context);
    }

    void storeClient(ClientRecord client) {
        requireNonNull(client, "client");
        Object[] row = rows.client(client);
        runner.write("storeClient", tx -> published(tx, update(tx, sql.upsertClient, Schema.CLIENT_COLUMNS, row),
                ChangeEvent.builder().clientChanged(client.clientId())));
    }

    Optional<ClientRecord> loadClient(String clientId) {
        String id = requireText(clientId, "clientId");
        if (impossibleKey(id)) {
            return Optional.ofNullable(runner.read("loadClient", tx -> null));
        }
        return Optional.ofNullable(runner.read("loadClient", tx -> {
            try (Tx.Prepared p = tx.prepare(sql.selectClient)) {
                PreparedStatement ps = p.ps();
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rows.client(rs) : null;
                }
            }
        }));
    }

    List<ClientRecord> listClients() {
        List<ClientRecord> all = runner.read("listClients", tx -> {
            List<ClientRecord> out = new ArrayList<>();
            try (Tx.Prepared p = tx.prepare(sql.selectClients); ResultSet rs = p.ps().executeQuery()) {
                while (rs.next()) {
                    out.add(rows.client(rs));
                }
            }
            return out;
        });
        // Sorted here, not by ORDER BY, so the order is Java's String order whatever the collation.
        all.sort(Comparator.comparing(ClientRecord::clientId));
        return List.copyOf(all);
    }

    boolean deleteClient(String clientId) {
        String id = requireText(clientId, "clientId");
        if (impossibleKey(id)) {
            return runner.read("deleteClient", tx -> false);
        }
        return runner.write("deleteClient", tx -> published(tx, update(tx, sql.deleteClient, id),
                ChangeEvent.builder().clientChanged(id))) > 0;
    }
}
