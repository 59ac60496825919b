package io.inferrouter.gateway;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.inferrouter.gateway.api.ErrorResponses;
import io.inferrouter.gateway.api.InferenceService;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.gateway.decisions.DecisionLog;
import io.inferrouter.gateway.director.Director;
import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.metrics.MicrometerGatewayMetrics;
import io.inferrouter.gateway.proxy.Http1Upstream;
import io.inferrouter.gateway.proxy.UpstreamProxy;
import io.inferrouter.gateway.kv.KvBlockIndex;
import io.inferrouter.gateway.kv.KvEventsReplica;
import io.inferrouter.gateway.peers.PeerPublisher;
import io.inferrouter.gateway.peers.PeerReplica;
import io.inferrouter.gateway.scheduler.PrecisePrefixCacheScorer;
import io.inferrouter.gateway.scheduler.PrecisePrefixSources;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.Profiles;
import io.inferrouter.gateway.server.ClientGuard;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.gateway.tables.TableReplica;
import io.inferrouter.gateway.tables.Tables;
import io.inferrouter.gateway.tokens.Tokenizers;
import io.inferrouter.schemas.kv.BlockHasher;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.support.Health;
import io.inferrouter.support.Parts;
import io.inferrouter.support.PrometheusEndpoint;
import io.inferrouter.support.TopicSetup;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gateway-node, wired by hand in the order data flows: table replica, tokenizers and the KV-event
 * index, scheduler profiles, proxy, decision log, then the HTTP server that uses them.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** How long the start waits for Kafka to check the topics before serving without it. */
    private static final Duration TOPIC_SETUP_TIMEOUT = Duration.ofSeconds(10);

    private final WebServer server;
    private final TableReplica tables;
    private final KvEventsReplica kvEvents;
    private final PeerReplica peers;
    private final PrefixIndex prefixIndex;
    private final Parts parts;

    private GatewayServer(WebServer server, TableReplica tables, KvEventsReplica kvEvents, PeerReplica peers,
                          PrefixIndex prefixIndex, Parts parts) {
        this.server = server;
        this.tables = tables;
        this.kvEvents = kvEvents;
        this.peers = peers;
        this.prefixIndex = prefixIndex;
        this.parts = parts;
    }

    public static GatewayServer start(GatewayConfig config, PrometheusMeterRegistry registry) {
        Parts parts = new Parts();
        try {
            ensureTopics(config);
            MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry);
            GatewayConfig.Peers peering = config.peers();
            String incarnation = UUID.randomUUID().toString().substring(0, 8);
            PeerPublisher publisher = peering.enabled() ? parts.add(new PeerPublisher(config.bootstrapServers(),
                    config.nodeId(), incarnation, peering.publishInterval(), peering.heartbeat(), 100_000, metrics)) : null;
            PrefixIndex prefixIndex = parts.add(new PrefixIndex(config.prefixCapacityPerEndpoint(), 100_000,
                    publisher == null ? PrefixIndex.Observer.NONE : publisher, metrics::peerPromptLag));
            // A pod that leaves its pool takes its cache with it: a restarted one starts empty.
            TableReplica tables = parts.add(new TableReplica(config.bootstrapServers(), metrics, prefixIndex::forget)
                    .start());
            PeerReplica peers = null;
            if (publisher != null) {
                publisher.start(tables);
                peers = parts.add(new PeerReplica(config.bootstrapServers(), config.nodeId(), incarnation, prefixIndex,
                        tables, peering.timeout(), peering.recoveryWindow(), peering.recoveryMaxRecords(), metrics)
                        .start());
                peerMetrics(publisher, peers, registry);
            }
            GatewayConfig.PrecisePrefix precise = config.precisePrefix();
            Tokenizers tokenizers = Tokenizers.load(precise.tokenizers(), precise.defaultTokenizer());
            KvBlockIndex kvIndex = new KvBlockIndex(precise.maxBlocksPerEndpoint());
            // Only a gateway whose requests can reach the precise scorer reads the servers' KV events.
            KvEventsReplica kvEvents = Profiles.usesScorer(config, PrecisePrefixCacheScorer.NAME)
                    ? parts.add(new KvEventsReplica(config.bootstrapServers(), kvIndex, metrics).start()) : null;
            BooleanSupplier kvReady = kvEvents == null ? () -> false : kvEvents::ready;
            Profiles profiles = Profiles.build(config, prefixIndex, new PrecisePrefixSources(kvIndex, kvReady,
                    tokenizers, BlockHasher.seeded(precise.hashSeed()), precise.maxTokens(), metrics));
            GatewayConfig.UpstreamLimits u = config.upstream();
            Http1Upstream upstream = parts.add(new Http1Upstream(u.connectTimeout(), u.readTimeout(), u.idleTimeout(),
                    u.maxIdlePerEndpoint()));
            UpstreamProxy proxy = new UpstreamProxy(upstream, u.maxAttempts());
            FunctionCounter.builder("gateway_upstream_connections_opened", upstream, Http1Upstream::connectionsOpened)
                    .description("Connections opened to model servers (each keep-alive reuse saves one)")
                    .register(registry);
            Gauge.builder("gateway_upstream_connections_idle", upstream, Http1Upstream::idleConnections)
                    .description("Idle keep-alive connections to model servers kept for reuse").register(registry);
            DecisionLog decisions = config.decisionsEnabled()
                    ? new DecisionLog(config.bootstrapServers(), config.decisionBuffer(), metrics) : null;
            if (decisions != null) {
                parts.add(decisions);
            }
            Gauge.builder("gateway_table_age_seconds", tables,
                            t -> t.lastUpdateMs() == 0 ? Double.NaN : (System.currentTimeMillis() - t.lastUpdateMs()) / 1000.0)
                    .description("Seconds since the last routing-table update was applied").register(registry);
            Gauge.builder("gateway_endpoint_metrics_age_seconds", tables, GatewayServer::freshestMetricsAgeSeconds)
                    .description("Age of the freshest endpoint metrics in the routing tables: how far the metrics "
                            + "path (scrape, Kafka, routing-stream, this replica) lags; past "
                            + "saturation.metrics-staleness no endpoint is scored").register(registry);
            Gauge.builder("gateway_table_lag_records", tables, TableReplica::lag)
                    .description("Table records not yet read by this gateway").register(registry);
            Gauge.builder("gateway_prefix_index_dropped_updates", prefixIndex, PrefixIndex::droppedUpdates)
                    .register(registry);
            kvIndexMetrics(kvIndex, registry);
            PeerReplica readyPeers = peers;
            Director director = new Director(config, tables, profiles, proxy, decisions, metrics);
            InferenceService inference = new InferenceService(director);
            ClientGuard guard = parts.add(new ClientGuard(config.clientLimits(), metrics));
            WebServer server = WebServer.builder().host(config.httpHost()).port(config.httpPort())
                    // Streamed tokens are small writes: without TCP_NODELAY, Nagle holds them back.
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    .update(guard::configure)
                    .routing(r -> routing(r.addFilter(guard.inFlightLimit()), inference, tables::alive,
                            () -> ready(tables, kvEvents, readyPeers), registry))
                    .build().start();
            LOG.info("gateway-node listening url=http://{}:{} profile={} nodeId={} incarnation={} kvEvents={} peers={}",
                    config.httpHost(), server.port(), config.defaultProfile(), config.nodeId(), incarnation,
                    kvEvents != null, peers != null);
            return new GatewayServer(server, tables, kvEvents, peers, prefixIndex, parts);
        } catch (RuntimeException e) {
            parts.close();
            throw e;
        }
    }

    /** Creates missing catalogue topics (the gateway writes decisions and reads the tables), if Kafka answers. */
    private static void ensureTopics(GatewayConfig config) {
        try {
            TopicSetup.ensure(config.bootstrapServers(), (short) 1, TOPIC_SETUP_TIMEOUT, Topics.all());
        } catch (TopicAdmin.TopicSetupException e) {
            // The gateway serves without Kafka (FailOpen pools, decisions dropped and counted); it keeps retrying reads.
            LOG.warn("cannot check topics at start; continuing error={}", e.getMessage());
        }
    }

    /**
     * @param alive false once a replica thread has stopped
     * @param ready true once the tables (and the KV-event index, when the precise scorer is in use)
     *              have caught up with the log
     */
    static void routing(HttpRouting.Builder r, InferenceService inference, BooleanSupplier alive,
                        BooleanSupplier ready, PrometheusMeterRegistry registry) {
        r.register(inference)
                .error(GatewayException.class, ErrorResponses::send)
                .get("/health", (req, res) -> Health.send(res, alive.getAsBoolean()))
                .get("/ready", (req, res) -> Health.send(res, ready.getAsBoolean()));
        PrometheusEndpoint.register(r, registry);
    }

    /**
     * Ready to take requests: the tables have caught up with the log, and so have the KV-event index
     * and the peers' reports when this gateway reads them (null otherwise), so that a restarted replica
     * routes as before it.
     */
    static boolean ready(Tables tables, KvEventsReplica kvEvents, PeerReplica peers) {
        return tables.ready() && (kvEvents == null || kvEvents.ready()) && (peers == null || peers.ready());
    }

    private static void peerMetrics(PeerPublisher publisher, PeerReplica peers, PrometheusMeterRegistry registry) {
        Gauge.builder("gateway_peers_live", peers, PeerReplica::livePeers)
                .description("Other gateway replicas heard from within peers.timeout").register(registry);
        FunctionCounter.builder("gateway_peer_reports_applied", peers, PeerReplica::reportsApplied)
                .description("Other replicas' reports applied (their served prompts and in-flight counts)")
                .register(registry);
        FunctionCounter.builder("gateway_peer_reports_sent", publisher, PeerPublisher::reportsSent)
                .description("This replica's reports handed to Kafka").register(registry);
        FunctionCounter.builder("gateway_peer_prompts_dropped", publisher, PeerPublisher::droppedPrompts)
                .description("Served prompts not shared: the publisher was behind").register(registry);
    }

    /** Seconds since the newest metrics observation of any endpoint; NaN without endpoints. */
    static double freshestMetricsAgeSeconds(Tables tables) {
        long now = System.currentTimeMillis();
        long youngest = Long.MAX_VALUE;
        for (PoolSnapshot pool : tables.current().pools().values()) {
            for (Endpoint e : pool.endpoints()) {
                youngest = Math.min(youngest, e.metricsAgeMs(now));
            }
        }
        return youngest == Long.MAX_VALUE ? Double.NaN : youngest / 1000.0;
    }

    private static void kvIndexMetrics(KvBlockIndex index, PrometheusMeterRegistry registry) {
        Gauge.builder("gateway_kv_index_endpoints", index, KvBlockIndex::endpointCount)
                .description("Endpoints whose KV-cache blocks the index knows from their events").register(registry);
        Gauge.builder("gateway_kv_index_blocks", index, KvBlockIndex::blockCount)
                .description("KV-cache blocks indexed, summed over endpoints").register(registry);
        Gauge.builder("gateway_kv_index_bytes", index, KvBlockIndex::arrayBytes)
                .description("Bytes of the KV-block index's arrays").register(registry);
        FunctionCounter.builder("gateway_kv_index_evicted_blocks", index, KvBlockIndex::evictedCount)
                .description("Blocks dropped from the index: their endpoint had kv-index.max-blocks-per-endpoint")
                .register(registry);
        FunctionCounter.builder("gateway_kv_index_records", index, KvBlockIndex::recordsApplied)
                .description("kv.events records applied").register(registry);
    }

    public int port() {
        return server.port();
    }

    public TableReplica tables() {
        return tables;
    }

    /** The approximate prefix scorer's index: what this replica and its peers sent where. */
    public PrefixIndex prefixIndex() {
        return prefixIndex;
    }

    /** The peer replica, or null when sharing with the other replicas is off. */
    public PeerReplica peers() {
        return peers;
    }

    /** The KV-event replica, or null when no profile requests can use has the precise scorer. */
    public KvEventsReplica kvEvents() {
        return kvEvents;
    }

    @Override
    public void close() {
        server.stop();
        parts.close();
    }

}
