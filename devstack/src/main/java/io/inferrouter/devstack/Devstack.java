package io.inferrouter.devstack;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferrouter.admin.AdminConfig;
import io.inferrouter.admin.AdminServer;
import io.inferrouter.devstack.kube.KubeApi;
import io.inferrouter.devstack.kube.ModelServers;
import io.inferrouter.devstack.sim.SimulatedPods;
import io.inferrouter.gateway.GatewayServer;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.ingestor.IngestorConfig;
import io.inferrouter.ingestor.StateIngestor;
import io.inferrouter.kafka.embedded.BrokerSettings;
import io.inferrouter.kafka.embedded.EmbeddedKafka;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.stream.app.RoutingStreamConfig;
import io.inferrouter.stream.app.RoutingStreamServer;
import io.inferrouter.support.Parts;
import io.inferrouter.support.TopicSetup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The running embedded default: the parts it started, in start order, stopped in reverse.
 * Each service talks to the others only through Kafka and HTTP, as in production.
 */
public final class Devstack implements AutoCloseable {

    private final DevstackConfig config;
    private final String bootstrapServers;
    private final Parts parts;
    private final Addresses addresses;

    /**
     * Where the running parts listen.
     *
     * @param gateway  the first gateway replica
     * @param gateways every gateway replica, the first first
     */
    public record Addresses(String kafka, String gateway, List<String> gateways, String admin, String routingStream,
                            String kubeApi, Path kubeconfig, String ingestor, List<ModelServers.Registered> modelServers) {
    }

    private Devstack(DevstackConfig config, String bootstrapServers, Parts parts, Addresses addresses) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.parts = parts;
        this.addresses = addresses;
    }

    public Addresses addresses() {
        return addresses;
    }

    /**
     * routing-stream's session timeout with the embedded broker (which allows 1 s): a lost instance's tasks
     * move within seconds. An external broker gets routing-stream's default (6 s, a stock broker's minimum).
     */
    static final String EMBEDDED_SESSION_TIMEOUT = "3s";

    /** The gateway's saturation.metrics-staleness in the devstack (see where it is set). */
    static final String DEVSTACK_METRICS_STALENESS = "5s";

    /** Starts everything in data-flow order; on failure stops what had started and rethrows. */
    public static Devstack start(DevstackConfig config) {
        Parts parts = new Parts();
        try {
            prepareDataDir(config);
            String bootstrap;
            if (config.embeddedKafka()) {
                EmbeddedKafka kafka = EmbeddedKafka.start(new BrokerSettings(config.kafkaHost(), config.kafkaPort(), 0,
                        config.dataDir().resolve("kafka"), Map.of()));
                parts.add(kafka);
                bootstrap = kafka.bootstrapServers();
            } else {
                bootstrap = config.bootstrapServers();
            }
            TopicSetup.ensure(bootstrap, config.replicationFactor(), Duration.ofSeconds(30), Topics.all());
            KubeApi kube = null;
            List<ModelServers.Registered> modelServers = List.of();
            Path kubeconfig = config.kubeconfig();
            if (kubeconfig == null) {
                kube = KubeApi.start("127.0.0.1", config.kubePort(), config.dataDir(), config.manifests());
                parts.add(kube);
                kubeconfig = kube.kubeconfig();
                if (config.simPods() > 0) {
                    SimulatedPods sims = SimulatedPods.start(config.simPods(), config.simBaseAddress(), config.simPort(),
                            config.simTimeScale());
                    parts.add(sims);
                    try (KubernetesClient client = kube.newClient()) {
                        sims.register(client);
                    }
                }
                if (!config.modelServers().isEmpty()) {
                    try (KubernetesClient client = kube.newClient()) {
                        modelServers = ModelServers.register(client, config.modelServers());
                    }
                }
            }
            StateIngestor ingestor = StateIngestor.start(IngestorConfig.from(
                    IngestorConfig.SETTINGS.load(List.of(), Map.of(
                            "ROUTER_BOOTSTRAP_SERVERS", bootstrap,
                            "INGESTOR_KUBECONFIG", kubeconfig.toString(),
                            "INGESTOR_HTTP_PORT", Integer.toString(config.ingestorPort()),
                            "INGESTOR_IDENTITY", "devstack",
                            "INGESTOR_REPLICATION_FACTOR", Short.toString(config.replicationFactor())))),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null);
            parts.add(ingestor);
            Map<String, String> streamEnv = new HashMap<>(Map.of(
                    "ROUTER_BOOTSTRAP_SERVERS", bootstrap,
                    "ROUTING_STREAM_HTTP_PORT", Integer.toString(config.routingStreamPort()),
                    "ROUTING_STREAM_STATE_DIR", config.dataDir().resolve("routing-stream").toString(),
                    "ROUTING_STREAM_REPLICATION_FACTOR", Short.toString(config.replicationFactor()),
                    // One stable id: a devstack started again after Ctrl-C (or a kill) takes its tasks back at once.
                    "ROUTING_STREAM_INSTANCE_ID", "devstack"));
            if (config.embeddedKafka()) {
                streamEnv.put("ROUTING_STREAM_SESSION_TIMEOUT", EMBEDDED_SESSION_TIMEOUT);
            }
            RoutingStreamServer routingStream = RoutingStreamServer.start(RoutingStreamConfig.from(
                    RoutingStreamConfig.SETTINGS.load(List.of(), streamEnv)),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            parts.add(routingStream);
            List<String> gateways = new ArrayList<>();
            for (int k = 0; k < config.gateways(); k++) {
                GatewayServer gateway = GatewayServer.start(GatewayConfig.from(
                        GatewayConfig.SETTINGS.load(List.of(), Map.of(
                                "ROUTER_BOOTSTRAP_SERVERS", bootstrap,
                                "GATEWAY_HTTP_PORT", Integer.toString(config.gatewayPort(k)),
                                // Stable per replica: a restarted devstack's replicas know their earlier lives.
                                "GATEWAY_NODE_ID", "devstack-" + k,
                                "GATEWAY_SCHEDULER_PROFILE", config.profile(),
                                // Every service shares one JVM here: while it warms up (the first minute or so on
                                // 2 cores) the metrics path lags seconds (2-17 s measured), and with the 200 ms
                                // default the endpoints would rank by staleness, not by the profile. Warm, the lag
                                // is 15-70 ms (gateway_endpoint_metrics_age_seconds).
                                "GATEWAY_METRICS_STALENESS", DEVSTACK_METRICS_STALENESS,
                                "GATEWAY_DEFAULT_TOKENIZER", config.simTokenizer() ? "sim" : "none"))),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
                parts.add(gateway);
                gateways.add("http://127.0.0.1:" + gateway.port());
            }
            AdminServer admin = AdminServer.start(AdminConfig.from(
                    AdminConfig.SETTINGS.load(List.of(), Map.of(
                            "ROUTER_BOOTSTRAP_SERVERS", bootstrap,
                            "ADMIN_HTTP_PORT", Integer.toString(config.adminPort()),
                            "ADMIN_ROUTING_STREAM_URL", "http://127.0.0.1:" + routingStream.port(),
                            "ADMIN_KUBECONFIG", kubeconfig.toString(),
                            "ADMIN_REPLICATION_FACTOR", Short.toString(config.replicationFactor())))),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null);
            parts.add(admin);
            return new Devstack(config, bootstrap, parts, new Addresses(bootstrap, gateways.getFirst(),
                    List.copyOf(gateways), "http://127.0.0.1:" + admin.port(), "http://127.0.0.1:" + routingStream.port(), kube == null ? "(your cluster)" : kube.url(),
                    kubeconfig, "http://127.0.0.1:" + ingestor.port(), modelServers));
        } catch (RuntimeException e) {
            parts.close();
            throw e;
        }
    }

    /**
     * Waits until every service answers 200 on {@code /ready} (ingestor synced, Streams RUNNING,
     * gateway caught up with the tables), so the printed requests work when pasted.
     *
     * @return the services not ready when the time ran out; empty when all are
     */
    public List<String> awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Map<String, String> services = new HashMap<>(Map.of("state-ingestor", addresses.ingestor(), "routing-stream",
                addresses.routingStream(), "admin-ui", addresses.admin()));
        for (int k = 0; k < addresses.gateways().size(); k++) {
            services.put(k == 0 ? "gateway-node" : "gateway-node " + k, addresses.gateways().get(k));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> waiting = List.copyOf(services.keySet());
        while (true) {
            waiting = waiting.stream().filter(name -> !ready(http, services.get(name))).sorted().toList();
            if (waiting.isEmpty() || System.nanoTime() > deadline) {
                return waiting;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return waiting;
            }
        }
    }

    private static boolean ready(HttpClient http, String base) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public DevstackConfig config() {
        return config;
    }

    @Override
    public void close() {
        parts.close();
    }


    private static void prepareDataDir(DevstackConfig config) {
        Path dir = config.dataDir();
        try {
            if (config.clean() && Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                        try {
                            Files.delete(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
            Files.createDirectories(dir);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot prepare the data directory " + dir.toAbsolutePath() + ": " + e, e);
        }
    }
}
