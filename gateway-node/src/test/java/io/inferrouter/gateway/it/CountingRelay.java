package io.inferrouter.gateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of one server that counts the connections it accepted: shows whether the
 * gateway reuses keep-alive connections to an endpoint or opens one per request.
 */
final class CountingRelay implements AutoCloseable {

    private final ServerSocket socket;
    private final InetSocketAddress target;
    private final AtomicInteger accepted = new AtomicInteger();

    CountingRelay(String address, String targetAddress, int targetPort) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getByName(address));
        this.target = new InetSocketAddress(targetAddress, targetPort);
        Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return socket.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void accept() {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            try {
                Socket server = new Socket();
                server.connect(target, 2_000);
                server.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> pipe(client, server));
                Thread.ofVirtual().start(() -> pipe(server, client));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side closed: the other pipe ends too once its socket is closed below.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Closing a socket that is going away anyway.
        }
    }
}
