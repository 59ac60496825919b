package io.inferrouter.gateway.server;

import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.Headers;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.inferrouter.gateway.config.GatewayConfig.ClientLimits;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's limits for slow and greedy clients, set on its Helidon listener: Helidon's own header
 * size limit ({@link Http1Config#maxHeadersSize()}), answered 431 by {@link ProtocolErrors}, Helidon's
 * direct handler; a read deadline and a connection cap in {@link ClientConnections}, the listener's
 * connection selector; an in-flight cap in {@link InFlightLimit}, a routing filter. A sweeper thread
 * cuts connections whose reads are overdue.
 */
public final class ClientGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClientGuard.class);

    private final ClientLimits limits;
    private final GatewayMetrics metrics;
    private final ClientConnections connections;
    private final InFlightLimit inFlight;
    private final ScheduledExecutorService sweeper;

    public ClientGuard(ClientLimits limits, GatewayMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
        Http1Config http1 = Http1Config.builder()
                .maxHeadersSize(limits.maxHeaderBytes())
                .addReceiveListener(new HeadReadListener())
                .build();
        this.connections = new ClientConnections(Http1ConnectionSelector.builder().config(http1).build(), limits,
                metrics);
        this.inFlight = new InFlightLimit(limits, metrics);
        metrics.clientLoad(connections::open, inFlight::inFlight);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("gateway-read-deadlines").factory());
        long tick = tick(limits.readTimeout()).toNanos();
        sweeper.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.NANOSECONDS);
        LOG.info("client limits maxHeaderBytes={} readTimeout={} maxConnections={} maxInFlight={} retryAfter={}s",
                limits.maxHeaderBytes(), limits.readTimeout(), limits.maxConnections(), limits.maxInFlight(),
                limits.retryAfterSeconds());
    }

    /**
     * Puts the limits on the server's default listener. Its only protocol is then HTTP/1.1 through
     * {@link ClientConnections} (Helidon's discovered protocols are off: a second selector would make
     * Helidon read before handing the connection over, untimed).
     */
    public void configure(WebServerConfig.Builder server) {
        ProtocolErrors errors = new ProtocolErrors(limits.maxHeaderBytes(), metrics);
        server.protocolsDiscoverServices(false)
                .addConnectionSelector(connections)
                // Hands Helidon's reason to ProtocolErrors, which shows it for client errors only.
                .errorHandling(e -> e.includeEntity(true))
                .directHandlers(d -> {
                    for (EventType type : EventType.values()) {
                        d.addHandler(type, errors);
                    }
                });
    }

    /** The routing filter for the in-flight cap. */
    public Filter inFlightLimit() {
        return inFlight;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    private void sweep() {
        try {
            connections.sweep();
        } catch (RuntimeException e) {
            // A failed sweep must not end the sweeper: the next one retries.
            LOG.warn("read-deadline sweep failed error={}", e.toString(), e);
        }
    }

    /** How often deadlines are checked: a tenth of the timeout, between 10 ms and 1 s. */
    static Duration tick(Duration readTimeout) {
        Duration tenth = readTimeout.dividedBy(10);
        if (tenth.compareTo(Duration.ofMillis(10)) < 0) {
            return Duration.ofMillis(10);
        }
        return tenth.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : tenth;
    }

    /** Tells a connection's deadline that the request head is complete and body reads follow. */
    private static final class HeadReadListener implements Http1ConnectionListener {
        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (ctx instanceof TimedConnectionContext timed) {
                timed.deadline().headRead();
            }
        }
    }
}
