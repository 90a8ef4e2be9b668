package dev.tokenstore.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, for tests: it forwards both ways until
 * {@link #blackhole()}, then keeps every connection open but forwards nothing, in either
 * direction, and accepts new connections without ever connecting them on, as a network
 * partition that drops packets does (nothing is refused or reset). {@link #restore()} forwards
 * again for connections made from then on. Daemon threads named {@code blackhole-proxy-*}.
 */
final class BlackholeProxy implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean blackholed;
    private volatile boolean closed;

    BlackholeProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread("accept", this::acceptLoop).start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** From now on nothing is forwarded, and new connections are accepted but never answered. */
    void blackhole() {
        blackholed = true;
    }

    /** Connections made from now on are forwarded again (those caught in the blackhole stay dead). */
    void restore() {
        blackholed = false;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                if (blackholed) {
                    continue; // held open, never answered
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(upstream);
                thread("up", () -> pump(client, upstream)).start();
                thread("down", () -> pump(upstream, client)).start();
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("proxy accept failed", e);
                }
            }
        }
    }

    /** Copies bytes until either side closes; while blackholed, reads and drops them. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!blackholed) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed; the other pump ends too
        }
    }

    private static Thread thread(String role, Runnable body) {
        Thread t = new Thread(body, "blackhole-proxy-" + role + "-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
