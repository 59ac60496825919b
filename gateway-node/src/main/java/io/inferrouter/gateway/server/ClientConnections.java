package io.inferrouter.gateway.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.inferrouter.gateway.config.GatewayConfig.ClientLimits;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.support.ErrorBody;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits client connections up to {@code http.max-connections} and puts every read of each under a
 * {@link ReadDeadline}. It is the listener's only connection selector, so Helidon hands it each
 * connection as soon as it is accepted, before a byte is read: a client that connects and says
 * nothing is timed too. Admitted connections are Helidon's HTTP/1 connections; the rest get a 503.
 */
final class ClientConnections implements ServerConnectionSelector {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnections.class);
    /** How long a refused connection may take to send its request before it is closed unanswered. */
    private static final Duration REFUSAL_GRACE = Duration.ofSeconds(1);

    private final ServerConnectionSelector http1;
    private final ClientLimits limits;
    private final GatewayMetrics metrics;
    private final byte[] refusal;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<ReadDeadline> deadlines = ConcurrentHashMap.newKeySet();

    ClientConnections(ServerConnectionSelector http1, ClientLimits limits, GatewayMetrics metrics) {
        this.http1 = http1;
        this.limits = limits;
        this.metrics = metrics;
        this.refusal = refusal(limits);
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        boolean admitted = open.incrementAndGet() <= limits.maxConnections();
        if (!admitted) {
            open.decrementAndGet();
            metrics.connectionRejected();
        }
        Duration timeout = admitted ? limits.readTimeout() : min(limits.readTimeout(), REFUSAL_GRACE);
        ReadDeadline deadline = new ReadDeadline(timeout, idle -> cut(ctx, admitted, idle));
        TimedConnectionContext timed = new TimedConnectionContext(ctx, deadline);
        deadlines.add(deadline);
        Runnable ended = () -> {
            deadlines.remove(deadline);
            if (admitted) {
                open.decrementAndGet();
            }
        };
        if (!admitted) {
            return new GuardedConnection(new RejectedConnection(timed, refusal), ended);
        }
        ServerConnection http;
        try {
            http = http1.connection(timed);
        } catch (RuntimeException e) {
            ended.run();
            throw e;
        }
        GuardedConnection connection = new GuardedConnection(http, ended);
        deadline.readingRequestLine(connection::canInterrupt);
        return connection;
    }

    /** Client connections open now, refused ones not counted. */
    int open() {
        return open.get();
    }

    /** Cuts every connection whose pending read is past its deadline. */
    void sweep() {
        long now = System.nanoTime();
        for (ReadDeadline d : deadlines) {
            d.cutIfExpired(now);
        }
    }

    private void cut(ConnectionContext ctx, boolean admitted, boolean idle) {
        if (idle) {
            LOG.debug("closing idle keep-alive connection remote={} timeout={}", ctx.remotePeer().address(),
                    limits.readTimeout());
        } else {
            if (admitted) {
                metrics.readTimedOut();
            }
            LOG.debug("client too slow, closing connection remote={} timeout={}", ctx.remotePeer().address(),
                    limits.readTimeout());
        }
        // The connection's thread is blocked reading: closing the socket ends that read and the connection.
        ctx.serverSocket().close();
    }

    private static byte[] refusal(ClientLimits limits) {
        byte[] body = ErrorBody.json("the gateway has " + limits.maxConnections()
                + " client connections open, its limit (http.max-connections); retry later", "service_unavailable",
                "too_many_connections");
        String head = "HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Retry-After: " + limits.retryAfterSeconds() + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(body, 0, response, headBytes.length, body.length);
        return response;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
