package io.inferrouter.bench.pipeline;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.inferrouter.devstack.kube.KubeApi;
import io.inferrouter.gateway.GatewayServer;
import io.inferrouter.gateway.config.GatewayConfig;
import io.inferrouter.ingestor.IngestorConfig;
import io.inferrouter.ingestor.StateIngestor;
import io.inferrouter.kafka.embedded.BrokerSettings;
import io.inferrouter.kafka.embedded.EmbeddedKafka;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.sim.engine.EngineStats;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.events.KvEventsConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import io.inferrouter.sim.fleet.SimPod;
import io.inferrouter.stream.app.RoutingStreamConfig;
import io.inferrouter.stream.app.RoutingStreamServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The whole routing pipeline for benchmarks, on loopback: embedded broker, mock Kubernetes API with
 * one pool ({@code bench/pool}) and the simulated pods registered as Ready Pods, state-ingestor
 * scraping them, routing-stream, and a gateway that lets the benchmark pick the scheduler profile
 * per request. Fleet and gateway can be restarted between strategies so that none inherits warm
 * caches.
 */
public final class BenchPipeline implements AutoCloseable {

    public static final String MODEL = SimConfig.DEFAULT_MODEL;
    public static final ResourceKey POOL = ResourceKey.of("bench", "pool");

    private final EmbeddedKafka kafka;
    private final KubeApi kube;
    private final StateIngestor ingestor;
    private final RoutingStreamServer[] routing;
    private final Path work;
    private final SimConfig simConfig;
    private final int pods;
    private final int port;
    private final String baseAddress;
    private final Options options;
    private final PrometheusMeterRegistry ingestorRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private SimFleet fleet;
    private final List<GatewayServer> gateways = new java.util.ArrayList<>();
    private final List<PrometheusMeterRegistry> gatewayRegistries = new java.util.ArrayList<>();
    /** The gateways' environment over the options' one, as set by the last {@link #reset(int, Map)}. */
    private Map<String, String> gatewayEnvOverrides = Map.of();
    private int gatewayCount;

    /** @param gatewayConfigFile a gateway YAML file (extra scheduler profiles), or null */
    public BenchPipeline(int pods, String baseAddress, SimConfig sim, Map<String, String> gatewayEnv,
                         Path gatewayConfigFile, Path work) throws Exception {
        this(pods, baseAddress, sim, gatewayEnv, gatewayConfigFile, work, List.of());
    }

    /**
     * How the pipeline is set up beyond the fleet.
     *
     * @param gatewayEnv        the gateways' environment, over the pipeline's own settings
     * @param gatewayConfigFile a gateway YAML file (extra scheduler profiles), or null
     * @param adapterModels     LoRA adapters served by the pool, each declared as an InferenceModel of its
     *                          own name (the simulated pods must know them: {@link SimConfig#withAdapters})
     * @param gatewayCount      gateway replicas, each reading the same tables and {@code kv.events} (a
     *                          client spreads its requests over {@link #gatewayUrls()})
     * @param kvEvents          whether the pods publish KV events and state-ingestor relays them (false:
     *                          neither, to measure what the event path costs the rest)
     * @param ingestorEnv       state-ingestor's environment, over the pipeline's own settings
     * @param routingStreams    routing-stream instances (one standby each for the other's tables, a 2 s
     *                          session: what a failover drill needs)
     */
    public record Options(Map<String, String> gatewayEnv, Path gatewayConfigFile, List<String> adapterModels,
                          int gatewayCount, boolean kvEvents, Map<String, String> ingestorEnv, int routingStreams) {
        public Options {
            gatewayEnv = Map.copyOf(gatewayEnv);
            adapterModels = List.copyOf(adapterModels);
            ingestorEnv = Map.copyOf(ingestorEnv);
            if (gatewayCount < 1) {
                throw new IllegalArgumentException("at least one gateway, was " + gatewayCount);
            }
            if (routingStreams < 1) {
                throw new IllegalArgumentException("at least one routing-stream instance, was " + routingStreams);
            }
        }

        public Options(Map<String, String> gatewayEnv, Path gatewayConfigFile, List<String> adapterModels,
                       int gatewayCount, boolean kvEvents, Map<String, String> ingestorEnv) {
            this(gatewayEnv, gatewayConfigFile, adapterModels, gatewayCount, kvEvents, ingestorEnv, 1);
        }

        /** One gateway with {@code gatewayEnv}, KV events on, the ingestor's defaults. */
        public static Options of(Map<String, String> gatewayEnv, Path gatewayConfigFile, List<String> adapterModels) {
            return new Options(gatewayEnv, gatewayConfigFile, adapterModels, 1, true, Map.of());
        }
    }

    /** One gateway; {@code adapterModels} as in {@link Options}. */
    public BenchPipeline(int pods, String baseAddress, SimConfig sim, Map<String, String> gatewayEnv,
                         Path gatewayConfigFile, Path work, List<String> adapterModels) throws Exception {
        this(pods, baseAddress, sim, work, Options.of(gatewayEnv, gatewayConfigFile, adapterModels));
    }

    public BenchPipeline(int pods, String baseAddress, SimConfig sim, Path work, Options options) throws Exception {
        this.options = options;
        this.work = work;
        this.gatewayCount = options.gatewayCount();
        this.pods = pods;
        this.baseAddress = baseAddress;
        this.simConfig = sim;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        kafka = EmbeddedKafka.start(BrokerSettings.ephemeral());
        Path manifests = work.resolve("manifests");
        Files.createDirectories(manifests);
        Files.writeString(manifests.resolve("pool.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata: {name: bench}
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool, namespace: bench}
                spec:
                  selector: {matchLabels: {app: bench-sim}}
                  targetPorts: [{number: %d}]
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: base, namespace: bench}
                spec: {modelName: "%s", criticality: Critical, poolRef: {name: pool}}
                """.formatted(port, MODEL) + options.adapterModels().stream().map(a -> """
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: %s, namespace: bench}
                spec: {modelName: "%s", criticality: Standard, poolRef: {name: pool}}
                """.formatted(a, a)).collect(java.util.stream.Collectors.joining()));
        kube = KubeApi.start("127.0.0.1", 0, work, List.of(manifests));
        fleet = SimFleet.start(fleetConfig());
        try (KubernetesClient client = kube.newClient()) {
            for (int i = 0; i < pods; i++) {
                Pod p = new PodBuilder().withNewMetadata().withName("sim-" + i).withNamespace("bench")
                        .withLabels(Map.of("app", "bench-sim")).endMetadata().withNewSpec().addNewContainer()
                        .withName("vllm").withImage("model-sim").addNewPort().withContainerPort(port).endPort()
                        .endContainer().endSpec().build();
                Pod created = client.pods().inNamespace("bench").resource(p).create();
                created.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                        .withPodIP(fleet.pod(i).address()).addNewCondition().withType("Ready").withStatus("True")
                        .endCondition().build());
                client.pods().inNamespace("bench").resource(created).updateStatus();
            }
        }
        Map<String, String> ingestorEnv = new java.util.HashMap<>(Map.of(
                "ROUTER_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "INGESTOR_KUBECONFIG", kube.kubeconfig().toString(),
                "INGESTOR_HTTP_PORT", "0", "INGESTOR_IDENTITY", "bench", "INGESTOR_KV_EVENTS",
                Boolean.toString(options.kvEvents())));
        ingestorEnv.putAll(options.ingestorEnv());
        ingestor = StateIngestor.start(IngestorConfig.from(IngestorConfig.SETTINGS.load(List.of(), ingestorEnv)),
                ingestorRegistry, null);
        routing = new RoutingStreamServer[options.routingStreams()];
        for (int i = 0; i < routing.length; i++) {
            routing[i] = startRoutingStream(i);
        }
        startGateways(Duration.ZERO);
    }

    /** The first gateway's URL. */
    public String gatewayUrl() {
        return "http://127.0.0.1:" + gateways.getFirst().port();
    }

    /** Every gateway replica's URL. */
    public List<URI> gatewayUrls() {
        return gateways.stream().map(g -> URI.create("http://127.0.0.1:" + g.port())).toList();
    }

    /** Every gateway replica, in order (replica k is restarted in place by {@link #restartGateway}). */
    public List<GatewayServer> gateways() {
        return List.copyOf(gateways);
    }

    /** The first gateway. */
    public GatewayServer gateway() {
        return gateways.getFirst();
    }

    /** The first gateway's meters (a fresh registry after every {@link #reset}). */
    public PrometheusMeterRegistry gatewayRegistry() {
        return gatewayRegistries.getFirst();
    }

    /** Every running gateway's meters. */
    public List<PrometheusMeterRegistry> gatewayRegistries() {
        return List.copyOf(gatewayRegistries);
    }

    /** state-ingestor's meters (one registry for the pipeline's life). */
    public PrometheusMeterRegistry ingestorRegistry() {
        return ingestorRegistry;
    }

    /** The pods' base URLs, as a client inside the cluster would reach them without the gateway. */
    public List<URI> podUrls() {
        return fleet.pods().stream().map(p -> URI.create(p.url())).toList();
    }

    /** Prefix-cache queries, hits and preemptions summed over the fleet so far. */
    public long[] fleetCounters() {
        long[] c = new long[3];
        for (SimPod p : fleet.pods()) {
            EngineStats s = p.stats();
            c[0] += s.prefixQueries();
            c[1] += s.prefixHits();
            c[2] += s.preemptions();
        }
        return c;
    }

    public SimFleet fleet() {
        return fleet;
    }

    public KubeApi kube() {
        return kube;
    }

    public int port() {
        return port;
    }

    /**
     * Waits until every gateway's tables hold every pod with fresh metrics and, where a gateway reads
     * {@code kv.events}, its KV-block index has caught up with the log.
     */
    public void awaitRoutable(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (gateways.stream().allMatch(this::routable)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the gateways' tables did not show " + pods + " fresh endpoints within "
                + timeout);
    }

    private boolean routable(GatewayServer gateway) {
        var pool = gateway.tables().current().pools().get(POOL);
        long now = System.currentTimeMillis();
        return pool != null && pool.endpoints().size() == pods
                && pool.endpoints().stream().allMatch(e -> e.metricsAgeMs(now) < 1_000)
                && gateway.tables().current().modelsByName().containsKey(MODEL)
                && (gateway.kvEvents() == null || gateway.kvEvents().ready());
    }

    /** Fresh simulators (empty caches) and a fresh gateway (empty prefix index): every strategy starts equal. */
    public void reset() throws InterruptedException {
        reset(gatewayCount, gatewayEnvOverrides);
    }

    /**
     * As {@link #reset()}, with {@code count} gateways whose environment is the options' one with
     * {@code envOverrides} on top (kept for later resets). The new gateways read nothing of
     * {@code gateway.peers} from before: what the old ones served went to the old simulators.
     */
    public void reset(int count, Map<String, String> envOverrides) throws InterruptedException {
        if (count < 1) {
            throw new IllegalArgumentException("at least one gateway, was " + count);
        }
        closeGateways();
        fleet.close();
        fleet = SimFleet.start(fleetConfig());
        gatewayCount = count;
        gatewayEnvOverrides = Map.copyOf(envOverrides);
        startGateways(Duration.ZERO);
        awaitRoutable(Duration.ofSeconds(60));
    }

    /**
     * Stops gateway {@code k} and starts it again on the same port under the same node id, with the
     * default recovery window: a replica restart as a rollout does it. Returns once it is ready.
     */
    public void restartGateway(int k) throws InterruptedException {
        int port = gateways.get(k).port();
        gateways.get(k).close();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GatewayServer again = startGateway(k, port, null, registry);
        gateways.set(k, again);
        gatewayRegistries.set(k, registry);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!again.tables().ready() || (again.peers() != null && !again.peers().ready())
                || (again.kvEvents() != null && !again.kvEvents().ready())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gateway " + k + " not ready within 60 s of its restart");
            }
            Thread.sleep(5);
        }
    }

    /** The running routing-stream instances (an entry is null while killed). */
    public int routingStreams() {
        return routing.length;
    }

    /** Stops routing-stream instance {@code i} as a crash would: without leaving its group. */
    public void killRoutingStream(int i) {
        routing[i].kill();
        routing[i] = null;
    }

    /** Starts routing-stream instance {@code i} again under its instance id. */
    public void restartRoutingStream(int i) {
        routing[i] = startRoutingStream(i);
    }

    private RoutingStreamServer startRoutingStream(int i) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("ROUTER_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "ROUTING_STREAM_HTTP_PORT", "0",
                "ROUTING_STREAM_STATE_DIR", work.resolve("streams-" + i).toString(),
                "ROUTING_STREAM_IN_MEMORY_STORES", "true",
                "ROUTING_STREAM_INSTANCE_ID", "bench-rs-" + i));
        if (routing.length > 1) {
            env.put("ROUTING_STREAM_SESSION_TIMEOUT", "2s");
        }
        return RoutingStreamServer.start(RoutingStreamConfig.from(RoutingStreamConfig.SETTINGS.load(List.of(), env)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    private FleetConfig fleetConfig() {
        FleetConfig c = new FleetConfig(pods, baseAddress, port, simConfig, Map.of());
        return options.kvEvents() ? c : c.withKvEvents(KvEventsConfig.off());
    }

    /**
     * Starts the gateways on free ports.
     *
     * @param recoveryWindow how far back in {@code gateway.peers} they read: zero after a reset (that traffic went
     *                       to simulators that are gone)
     */
    private void startGateways(Duration recoveryWindow) {
        for (int i = 0; i < gatewayCount; i++) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            gateways.add(startGateway(i, 0, recoveryWindow, registry));
            gatewayRegistries.add(registry);
        }
    }

    /** @param recoveryWindow null for the gateway's default */
    private GatewayServer startGateway(int i, int port, Duration recoveryWindow, PrometheusMeterRegistry registry) {
        return GatewayServer.start(gatewayConfig(i, port, recoveryWindow), registry);
    }

    /** Gateway replica {@code i}'s configuration (its profiles, prefix and precise settings), as it runs. */
    public GatewayConfig gatewayConfig(int i) {
        return gatewayConfig(i, 0, null);
    }

    private GatewayConfig gatewayConfig(int i, int port, Duration recoveryWindow) {
        Path configFile = options.gatewayConfigFile();
        Map<String, String> env = new java.util.HashMap<>(options.gatewayEnv());
        env.putAll(gatewayEnvOverrides);
        env.put("ROUTER_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("GATEWAY_HTTP_PORT", Integer.toString(port));
        env.put("GATEWAY_NODE_ID", "bench-" + i);
        env.put("GATEWAY_ALLOW_PROFILE_HEADER", "true");
        // Off unless a benchmark asks for them (the what-if calibration reads them back).
        env.putIfAbsent("GATEWAY_DECISIONS_ENABLED", "false");
        if (recoveryWindow != null) {
            env.put("GATEWAY_PEERS_RECOVERY_WINDOW", recoveryWindow.toMillis() + "ms");
        }
        List<String> args = configFile == null ? List.of() : List.of("--config", configFile.toString());
        return GatewayConfig.from(GatewayConfig.SETTINGS.load(args, env));
    }

    /** The embedded broker's address. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    private void closeGateways() {
        gateways.forEach(GatewayServer::close);
        gateways.clear();
        gatewayRegistries.clear();
    }

    @Override
    public void close() {
        closeGateways();
        for (RoutingStreamServer r : routing) {
            if (r != null) {
                r.close();
            }
        }
        ingestor.close();
        fleet.close();
        kube.close();
        kafka.close();
    }

}
