package io.inferrouter.gateway.proxy;

import io.inferrouter.gateway.tables.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Upstream} over plain blocking sockets speaking HTTP/1.1 (the request's virtual thread parks
 * on the socket), with keep-alive connections pooled per endpoint.
 * <p>
 * Why not Helidon's WebClient, which this replaced: under load it was the largest single cost of
 * the request path (16-18% of the gateway's CPU at 1 KB), and for every idle period of a pooled
 * connection it started a virtual thread that waited for the next response's first byte, with a
 * timer: a thread start, a timer and a hand-off per request. Here a request costs one write and the
 * reads of its answer, on its own thread.
 * <p>
 * Idle connections are reused newest first and closed after {@code idleTimeout} (shorter than a
 * model server's own keep-alive: vLLM's uvicorn closes idle connections after 5 s). A server may
 * still close one just as it is taken; a reused connection that fails before any byte of an answer
 * (not by a timeout) is therefore retried once on a new connection to the same endpoint, as
 * browsers and Go's client do. A body read to its framed end hands the connection back; any other
 * ending closes it.
 */
public final class Http1Upstream implements Upstream, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Http1Upstream.class);
    /** An endpoint's pool unused this long is dropped (the endpoint is most likely gone). */
    private static final long POOL_RETIRE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final long idleTimeoutNanos;
    private final int maxIdlePerEndpoint;
    private final ConcurrentHashMap<String, Pool> pools = new ConcurrentHashMap<>();
    private final AtomicLong opened = new AtomicLong();
    private final Thread sweeper;
    private volatile boolean running = true;

    /**
     * @param readTimeout        every socket read, including the wait for the response head
     * @param idleTimeout        how long an idle connection is kept for reuse
     * @param maxIdlePerEndpoint idle connections kept per endpoint; more are closed when returned
     */
    public Http1Upstream(Duration connectTimeout, Duration readTimeout, Duration idleTimeout, int maxIdlePerEndpoint) {
        if (maxIdlePerEndpoint < 0) {
            throw new IllegalArgumentException("max idle connections per endpoint must be >= 0, was "
                    + maxIdlePerEndpoint);
        }
        this.connectTimeoutMs = millis(connectTimeout);
        this.readTimeoutMs = millis(readTimeout);
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.maxIdlePerEndpoint = maxIdlePerEndpoint;
        long sweepMs = Math.max(100, Math.min(5_000, idleTimeout.toMillis() / 2));
        this.sweeper = Thread.ofVirtual().name("upstream-idle-sweeper").start(() -> sweep(sweepMs));
    }

    private static int millis(Duration d) {
        long ms = d.toMillis();
        if (ms < 1) {
            throw new IllegalArgumentException("upstream timeouts must be at least 1 ms, was " + d);
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    @Override
    public UpstreamResponse send(Endpoint endpoint, String path, byte[] body, Map<String, List<String>> headers) {
        byte[] head = requestHead(endpoint.hostPort(), path, body.length, headers);
        Pool pool = pools.computeIfAbsent(endpoint.hostPort(), Pool::new);
        Http1Connection reused = pool.take(System.nanoTime(), idleTimeoutNanos);
        if (reused != null) {
            try {
                return exchange(pool, reused, head, body);
            } catch (IOException e) {
                if (!reused.nothingRead() || hasTimeout(e)) {
                    throw new UncheckedIOException(e);
                }
                LOG.debug("pooled connection was closed by the server, retrying on a new one endpoint={} error={}",
                        endpoint.hostPort(), e.toString());
            }
        }
        Http1Connection fresh;
        try {
            fresh = Http1Connection.open(pool.address(), connectTimeoutMs, readTimeoutMs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        opened.incrementAndGet();
        try {
            return exchange(pool, fresh, head, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private Response exchange(Pool pool, Http1Connection c, byte[] head, byte[] body) throws IOException {
        try {
            c.write(head, body);
            Http1Head h = c.readHead();
            return new Response(pool, c, h);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Connections opened so far (each reuse saves one). */
    public long connectionsOpened() {
        return opened.get();
    }

    /** Idle connections kept now, over all endpoints. */
    public int idleConnections() {
        int n = 0;
        for (Pool p : pools.values()) {
            n += p.idle.get();
        }
        return n;
    }

    static byte[] requestHead(String hostPort, String path, int contentLength, Map<String, List<String>> headers) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("POST ").append(checked(path)).append(" HTTP/1.1\r\nHost: ").append(hostPort)
                .append("\r\nContent-Length: ").append(contentLength).append("\r\n");
        headers.forEach((name, values) -> {
            for (String v : values) {
                sb.append(checked(name)).append(": ").append(checked(v)).append("\r\n");
            }
        });
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A line break in a header or the path would let its sender write headers of their own. */
    private static String checked(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("a header or path with a line break cannot be sent upstream");
            }
        }
        return s;
    }

    @Override
    public void close() {
        running = false;
        sweeper.interrupt();
        for (Pool p : pools.values()) {
            p.closeAll();
        }
    }

    private void sweep(long intervalMs) {
        while (running) {
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Map.Entry<String, Pool> e : pools.entrySet()) {
                Pool p = e.getValue();
                p.closeExpired(now, idleTimeoutNanos);
                // A pool unused for long (its endpoint gone, most likely) is dropped; a connection
                // handed back to it afterwards sees it retired and is closed.
                if (p.idle.get() == 0 && now - p.lastUsedNanos > POOL_RETIRE_NANOS) {
                    p.retired = true;
                    pools.remove(e.getKey(), p);
                    p.closeAll();
                }
            }
        }
    }

    /** The idle connections to one endpoint, newest first. */
    private final class Pool {
        private final String hostPort;
        private final ConcurrentLinkedDeque<Http1Connection> connections = new ConcurrentLinkedDeque<>();
        private final AtomicInteger idle = new AtomicInteger();
        private volatile InetSocketAddress address;
        private volatile long lastUsedNanos = System.nanoTime();
        private volatile boolean retired;

        Pool(String hostPort) {
            this.hostPort = hostPort;
        }

        /** Resolved once: endpoints are pod addresses, so this parses an IP literal. */
        InetSocketAddress address() {
            InetSocketAddress a = address;
            if (a == null) {
                int colon = hostPort.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("endpoint address is not host:port: " + hostPort);
                }
                String host = hostPort.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                a = new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
                if (a.isUnresolved()) {
                    throw new UncheckedIOException(new IOException("cannot resolve model server host " + host));
                }
                address = a;
            }
            return a;
        }

        Http1Connection take(long now, long idleTimeout) {
            lastUsedNanos = now;
            Http1Connection c;
            while ((c = connections.pollFirst()) != null) {
                idle.decrementAndGet();
                if (now - c.idleSinceNanos < idleTimeout) {
                    return c;
                }
                c.close();
            }
            return null;
        }

        void give(Http1Connection c) {
            if (idle.incrementAndGet() > maxIdlePerEndpoint || !running) {
                idle.decrementAndGet();
                c.close();
                return;
            }
            c.recycled(System.nanoTime());
            connections.offerFirst(c);
            if (retired || !running) {
                closeAll();
            }
        }

        void closeExpired(long now, long idleTimeout) {
            List<Http1Connection> expired = new ArrayList<>();
            for (Http1Connection c : connections) {
                if (now - c.idleSinceNanos >= idleTimeout) {
                    expired.add(c);
                }
            }
            for (Http1Connection c : expired) {
                // Only the remover closes it: a request may have taken it meanwhile.
                if (connections.removeFirstOccurrence(c)) {
                    idle.decrementAndGet();
                    c.close();
                }
            }
        }

        void closeAll() {
            Http1Connection c;
            while ((c = connections.pollFirst()) != null) {
                idle.decrementAndGet();
                c.close();
            }
        }
    }

    /** An answer being read; its connection goes back to the pool if the body was read to its end. */
    private static final class Response implements UpstreamResponse {
        private final Pool pool;
        private final Http1Connection connection;
        private final Http1Head head;
        private final Http1Body body;
        private boolean closed;

        Response(Pool pool, Http1Connection connection, Http1Head head) {
            this.pool = pool;
            this.connection = connection;
            this.head = head;
            this.body = new Http1Body(connection, head);
        }

        @Override
        public int status() {
            return head.status();
        }

        @Override
        public String contentType() {
            return head.header("content-type");
        }

        @Override
        public long contentLength() {
            return head.contentLength();
        }

        @Override
        public void forEachHeader(BiConsumer<String, List<String>> action) {
            List<String> names = head.names();
            List<String> values = head.values();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                boolean seen = false;
                for (int j = 0; j < i && !seen; j++) {
                    seen = names.get(j).equalsIgnoreCase(name);
                }
                if (seen) {
                    continue;
                }
                List<String> all = new ArrayList<>(1);
                for (int j = i; j < names.size(); j++) {
                    if (names.get(j).equalsIgnoreCase(name)) {
                        all.add(values.get(j));
                    }
                }
                action.accept(name, all);
            }
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (body.ended() && head.keepAlive() && !connection.isClosed()) {
                pool.give(connection);
            } else {
                connection.close();
            }
        }
    }
}
