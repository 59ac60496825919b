package io.inferrouter.stream.app;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.inferrouter.stream.query.Peers;
import io.inferrouter.stream.query.PoolHistory;
import io.inferrouter.stream.query.QueryService;
import io.inferrouter.stream.query.TableQueries;
import io.inferrouter.support.Health;
import io.inferrouter.support.PrometheusEndpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * routing-stream as a running service: the Streams app, then its HTTP API (queries, /health,
 * /ready, /metrics) on the port it published to the other instances.
 */
public final class RoutingStreamServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingStreamServer.class);

    private final WebServer server;
    private final RoutingStreamApp app;
    private final Peers peers;
    private final PoolHistory history;

    private RoutingStreamServer(WebServer server, RoutingStreamApp app, Peers peers, PoolHistory history) {
        this.server = server;
        this.app = app;
        this.peers = peers;
        this.history = history;
    }

    public static RoutingStreamServer start(RoutingStreamConfig config, PrometheusMeterRegistry registry) {
        // The port is part of the Streams config (application.server), so it must be known first.
        int port = config.httpPort() == 0 ? freePort(config.httpHost()) : config.httpPort();
        RoutingStreamApp app = RoutingStreamApp.start(config, port, registry);
        Peers peers = Peers.http(Duration.ofSeconds(5));
        PoolHistory history = null;
        try {
            TableQueries queries = new TableQueries(app.streams(), new HostInfo(config.advertisedHost(), port),
                    peers, app.endpointPartitions());
            history = new PoolHistory(config.bootstrapServers(), config.historyMaxRecords(), config.historyTimeout(),
                    Clock.systemUTC());
            PoolHistory asOf = history;
            WebServer server = WebServer.builder().host(config.httpHost()).port(port)
                    .routing(r -> routing(r, app, queries, asOf, registry))
                    .build().start();
            LOG.info("routing-stream query API listening url=http://{}:{}", config.httpHost(), server.port());
            return new RoutingStreamServer(server, app, peers, history);
        } catch (RuntimeException e) {
            if (history != null) {
                history.close();
            }
            peers.close();
            app.close();
            throw e;
        }
    }

    static void routing(HttpRouting.Builder r, RoutingStreamApp app, TableQueries queries, PoolHistory history,
                        PrometheusMeterRegistry registry) {
        r.register(new QueryService(queries, history))
                .get("/health", (req, res) -> Health.send(res, app.alive()))
                .get("/ready", (req, res) -> Health.send(res, app.ready()));
        PrometheusEndpoint.register(r, registry);
    }

    public int port() {
        return server.port();
    }

    public RoutingStreamApp app() {
        return app;
    }

    @Override
    public void close() {
        server.stop();
        history.close();
        peers.close();
        app.close();
    }

    /** Stops as a killed instance would, without leaving the group (failover drills and tests). */
    public void kill() {
        server.stop();
        history.close();
        peers.close();
        app.stopWithoutLeaving();
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }
}
