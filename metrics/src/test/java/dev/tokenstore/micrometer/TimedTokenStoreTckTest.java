package dev.tokenstore.micrometer;

import dev.tokenstore.TokenStore;
import dev.tokenstore.TokenStoreOptions;
import dev.tokenstore.TokenStores;
import dev.tokenstore.tck.TestStorage;
import dev.tokenstore.tck.TokenStoreCompatibilityKit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The whole TokenStore contract through {@link TimedTokenStore} over SQLite: timing changes no
 * result, exception or capability (the bulk and transaction groups run, they are not skipped).
 */
class TimedTokenStoreTckTest extends TokenStoreCompatibilityKit {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Override
    protected TestStorage newStorage() {
        Path dir;
        try {
            dir = Files.createTempDirectory("timed-tck");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path file = dir.resolve("tokens.db");
        return new TestStorage() {
            @Override
            public TokenStore open(TokenStoreOptions options) {
                return TimedTokenStore.wrap(TokenStores.open(options.toBuilder().url("jdbc:sqlite:" + file).build()),
                        registry);
            }

            @Override
            public Optional<byte[]> rawBytes() {
                try {
                    return Optional.of(Files.readAllBytes(file));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public Optional<Integer> corruptEncryptedValues() {
                return Optional.of(corrupt(file));
            }

            @Override
            public void close() {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** Changes one base64 character inside every encrypted value ({@code ts1:kid:…}) of every column. */
    private static int corrupt(Path file) {
        String p = "(4 + instr(substr(%1$s, 5), ':'))";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            int changed = 0;
            for (String table : tables) {
                List<String> columns = new ArrayList<>();
                try (ResultSet rs = c.createStatement().executeQuery("PRAGMA table_info(" + table + ")")) {
                    while (rs.next()) {
                        columns.add(rs.getString("name"));
                    }
                }
                for (String col : columns) {
                    String at = String.format(p, col);
                    changed += c.createStatement().executeUpdate("UPDATE " + table + " SET " + col + " = substr(" + col
                            + ", 1, " + at + " + 7) || CASE substr(" + col + ", " + at + " + 8, 1) WHEN 'A' THEN 'B' "
                            + "ELSE 'A' END || substr(" + col + ", " + at + " + 9) WHERE " + col + " LIKE 'ts1:%'");
                }
            }
            return changed;
        } catch (SQLException e) {
            throw new IllegalStateException("could not tamper with " + file, e);
        }
    }
}
