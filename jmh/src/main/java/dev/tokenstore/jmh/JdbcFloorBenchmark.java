package dev.tokenstore.jmh;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The JDBC floor on the same engine, with the same durability settings as the store: a
 * hand-written prepared-statement select of a session row by access-token hash, a single-row
 * autocommit insert, and a 1000-row {@code executeBatch} insert in one transaction (scored per
 * row). The table ({@link FloorTable}) is preloaded with {@code preload} rows like the store's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JdbcFloorBenchmark {
    static final int BATCH = 1000;

    @Param({"sqlite", "h2", "postgres"})
    public String backend;

    @Param({"100000"})
    public int preload;

    private Database db;
    private Connection connection;
    private PreparedStatement insert;
    private PreparedStatement select;
    private String[] hashes;
    private FloorTable.Row[] templates;
    private long nextKey;

    @Setup(Level.Trial)
    public void open() throws SQLException {
        db = Backend.of(backend).create();
        connection = db.connect();
        FloorTable.create(connection);
        insert = connection.prepareStatement(FloorTable.INSERT);
        select = connection.prepareStatement(FloorTable.SELECT);
        byte[] key = new byte[32];
        new Random(StoreState.SEED).nextBytes(key);
        TokenCipher cipher = TokenCipher.withKeys(Map.of("default", key), "default");
        SessionFactory factory = new SessionFactory(StoreState.SEED);
        Instant now = Instant.now();
        hashes = new String[preload];
        templates = new FloorTable.Row[Math.min(preload, 1024)];
        List<FloorTable.Row> chunk = new ArrayList<>(StoreFixture.PRELOAD_CHUNK);
        for (int i = 0; i < preload; i++) {
            StoredSession s = factory.session(now);
            FloorTable.Row row = FloorTable.row(s, cipher);
            hashes[i] = row.accessHash();
            if (i < templates.length) {
                templates[i] = row;
            }
            chunk.add(row);
            if (chunk.size() == StoreFixture.PRELOAD_CHUNK || i == preload - 1) {
                FloorTable.insertBatch(connection, insert, chunk);
                chunk.clear();
            }
        }
        FloorTable.analyze(connection, Backend.of(backend));
    }

    /** A new row: a template's payload under a fresh id and fresh hashes. */
    private FloorTable.Row nextRow() {
        long k = nextKey++;
        String digits = Long.toHexString(k);
        String pad = "0".repeat(63 - digits.length()) + digits;
        // 'x' and 'y' are not hex digits, so these never meet each other or a real SHA-256 hash
        String hash = "x" + pad;
        String refresh = "y" + pad;
        return templates[(int) (k % templates.length)].withKeys("floor-" + k, hash, refresh);
    }

    @Benchmark
    public String select() throws SQLException {
        return FloorTable.select(select, hashes[ThreadLocalRandom.current().nextInt(hashes.length)],
                System.currentTimeMillis());
    }

    @Benchmark
    public int insert() throws SQLException {
        FloorTable.bind(insert, nextRow());
        return insert.executeUpdate();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batchInsert1000() throws SQLException {
        List<FloorTable.Row> rows = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            rows.add(nextRow());
        }
        FloorTable.insertBatch(connection, insert, rows);
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        try {
            if (connection != null) {
                connection.close();
            }
        } finally {
            if (db != null) {
                db.close();
            }
        }
    }
}
