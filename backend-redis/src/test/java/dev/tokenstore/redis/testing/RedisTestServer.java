package dev.tokenstore.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests, with no install: the linux-amd64 binary shipped inside
 * {@code com.github.codemonstur:embedded-redis} is copied out once per JVM and run on a free port
 * in a temporary directory. {@link #stop()} and {@link #start()} keep the port and the directory
 * (and so, with AOF on, the data). Every server is stopped when the JVM exits.
 */
public final class RedisTestServer implements AutoCloseable {
    private static final String BINARY = "/redis-server-6.2.6-v5-linux-amd64";
    private static Path binary;
    private static RedisTestServer shared;
    private static RedisCluster sharedCluster;

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisTestServer(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** The JVM's shared standalone server (no persistence), started on first use. */
    public static synchronized RedisTestServer shared() {
        if (shared == null) {
            shared = startNew(List.of());
        }
        return shared;
    }

    /** The JVM's shared 3-master cluster, started on first use. */
    public static synchronized RedisCluster sharedCluster() {
        if (sharedCluster == null) {
            sharedCluster = RedisCluster.start(3);
        }
        return sharedCluster;
    }

    /** A new server of its own with these extra arguments (e.g. {@code --appendonly yes}); stopped at JVM exit. */
    public static RedisTestServer startNew(List<String> extraArgs) {
        try {
            Path dir = Files.createTempDirectory("tokenstore-redis-");
            RedisTestServer server = new RedisTestServer(freePort(), dir, extraArgs);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tokenstore-redis-test-shutdown"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server (a no-op if it runs) and returns once it answers PING. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--dir", dir.toString(), "--save", "", "--protected-mode", "no", "--daemonize", "no",
                "--logfile", dir.resolve("redis.log").toString()));
        if (!extraArgs.contains("--appendonly")) {
            cmd.addAll(List.of("--appendonly", "no"));
        }
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start on port " + port + ": " + log());
            }
            sleep(20);
        }
    }

    /** Stops the server at once (SIGKILL: an outage or a crash; what AOF synced survives) and waits for it. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (answersPing() && System.nanoTime() < deadline) {
            sleep(10);
        }
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Sends one command in RESP and returns the raw reply (for tests that need no client). */
    public String command(String... args) {
        return Resp.call("127.0.0.1", port, args);
    }

    private boolean answersPing() {
        try {
            return command("PING").startsWith("+PONG");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public synchronized void close() {
        stop();
    }

    static synchronized Path binary() {
        if (binary == null) {
            try (InputStream in = RedisTestServer.class.getResourceAsStream(BINARY)) {
                if (in == null) {
                    throw new IllegalStateException("embedded-redis is not on the test classpath (" + BINARY + ")");
                }
                Path dir = Files.createTempDirectory("tokenstore-redis-bin-");
                Path file = dir.resolve("redis-server");
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
                binary = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return binary;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A minimal RESP client for server setup (no Lettuce needed to form a cluster). */
    static final class Resp {
        private Resp() {
        }

        static String call(String host, int port, String... args) {
            try (Socket s = new Socket(host, port)) {
                s.setSoTimeout(5000);
                StringBuilder out = new StringBuilder("*").append(args.length).append("\r\n");
                for (String a : args) {
                    out.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
                }
                s.getOutputStream().write(out.toString().getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                return readReply(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String readReply(InputStream in) throws IOException {
            String line = readLine(in);
            if (line.startsWith("$")) {
                int n = Integer.parseInt(line.substring(1));
                if (n < 0) {
                    return "$-1";
                }
                byte[] b = in.readNBytes(n + 2);
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            return line;
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\r') {
                    in.read();
                    break;
                }
                b.append((char) c);
            }
            return b.toString();
        }
    }
}
