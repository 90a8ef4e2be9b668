package dev.tokenstore.jmh;

import dev.tokenstore.StoredSession;
import dev.tokenstore.TokenCipher;
import dev.tokenstore.testing.FormatOneValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
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
 * autocommit insert, and 16-row and 1000-row {@code executeBatch} inserts in one transaction
 * (scored per row). The table ({@link FloorTable}) is preloaded with {@code preload} rows like the store's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JdbcFloorBenchmark {
    static final int BATCH = 1000;
    static final int GROUP = 16;

    @Param({"sqlite", "h2", "postgres"})
    public String backend;

    @Param({"100000"})
    public int preload;

    /**
     * The rows' storage format: {@code v4} (default), what the backends write now; {@code v3} and
     * {@code v2}, what they wrote before schema versions 4 and 3 (v2: ids and user JSON in the
     * clear), to tell what a row shape costs the engine itself; {@code v3bin}, an experiment: the
     * v3 row with hashes and ciphertexts in binary columns.
     */
    @Param({"v4"})
    public String shape;

    private FloorTable.Shape rowShape;

    private Database db;
    private Connection connection;
    private PreparedStatement insert;
    private PreparedStatement select;
    private String[] hashes;
    private FloorTable.Row[] templates;
    private long nextKey;
    private final SplittableRandom random = new SplittableRandom(StoreState.SEED ^ 0x5DEECE66DL);

    @Setup(Level.Trial)
    public void open() throws SQLException {
        rowShape = FloorTable.Shape.of(shape);
        db = Backend.of(backend).create();
        connection = db.connect();
        FloorTable.create(connection, Backend.of(backend), rowShape);
        insert = connection.prepareStatement(FloorTable.INSERT);
        select = connection.prepareStatement(FloorTable.SELECT);
        byte[] key = new byte[32];
        new Random(StoreState.SEED).nextBytes(key);
        TokenCipher cipher = TokenCipher.withKeys(Map.of("default", key), "default");
        FormatOneValues formatOne = FormatOneValues.withKey("default", key);
        SessionFactory factory = new SessionFactory(StoreState.SEED);
        Instant now = Instant.now();
        hashes = new String[preload];
        templates = new FloorTable.Row[Math.min(preload, 1024)];
        List<FloorTable.Row> chunk = new ArrayList<>(StoreFixture.PRELOAD_CHUNK);
        for (int i = 0; i < preload; i++) {
            StoredSession s = factory.session(now);
            FloorTable.Row row = FloorTable.row(s, cipher, formatOne, rowShape);
            hashes[i] = row.accessHash();
            if (i < templates.length) {
                templates[i] = row;
            }
            chunk.add(row);
            if (chunk.size() == StoreFixture.PRELOAD_CHUNK || i == preload - 1) {
                FloorTable.insertBatch(connection, insert, chunk, rowShape);
                chunk.clear();
            }
        }
        FloorTable.analyze(connection, Backend.of(backend));
    }

    /**
     * A new row: a template's payload under a fresh random id and fresh random 256-bit hashes, so
     * every insert lands at a random place in each index, as the store's do (sequential keys would
     * append to the same index pages and make the floor unfairly cheap).
     */
    private FloorTable.Row nextRow() {
        long k = nextKey++;
        return templates[(int) (k % templates.length)].withKeys(rowShape.newKey(randomHex()), randomHex(),
                randomHex());
    }

    private String randomHex() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Benchmark
    public Object select() throws SQLException {
        return FloorTable.select(select, hashes[ThreadLocalRandom.current().nextInt(hashes.length)],
                System.currentTimeMillis(), rowShape);
    }

    @Benchmark
    public int insert() throws SQLException {
        FloorTable.bind(insert, nextRow(), rowShape);
        return insert.executeUpdate();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batchInsert1000() throws SQLException {
        insertNewRows(BATCH);
    }

    /**
     * 16 single-row inserts in one transaction (scored per row): what group commit with 16 writers
     * could at best reach on this engine, next to {@link #insert()} (16 autocommits).
     */
    @Benchmark
    @OperationsPerInvocation(GROUP)
    public void batchInsert16() throws SQLException {
        insertNewRows(GROUP);
    }

    /** {@code count} new rows in one {@code executeBatch} and one transaction. */
    private void insertNewRows(int count) throws SQLException {
        List<FloorTable.Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(nextRow());
        }
        FloorTable.insertBatch(connection, insert, rows, rowShape);
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
