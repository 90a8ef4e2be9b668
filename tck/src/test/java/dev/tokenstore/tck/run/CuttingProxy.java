package dev.tokenstore.tck.run;

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
 * A TCP proxy listening on 127.0.0.1 in front of a server, for partition tests: it forwards both ways, a
 * thread pair per connection, until {@link #cut()}, which closes every connection and stops
 * listening, so new connections are refused. Daemon threads named {@code cutting-proxy-*}.
 */
final class CuttingProxy implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    CuttingProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread("accept", this::acceptLoop).start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Closes every connection through the proxy and refuses new ones from now on. */
    void cut() {
        cut = true;
        closeAll();
    }

    private void acceptLoop() {
        while (!cut) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                if (cut) {
                    client.close();
                    return;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(upstream);
                thread("up", () -> pump(client, upstream)).start();
                thread("down", () -> pump(upstream, client)).start();
            } catch (IOException e) {
                return; // the listener was closed: cut
            }
        }
    }

    /** Copies bytes until either side closes, then closes both. */
    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeAll() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static Thread thread(String role, Runnable body) {
        Thread t = new Thread(body, "cutting-proxy-" + role + "-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        cut = true;
        closeAll();
    }
}
