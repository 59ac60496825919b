package io.inferrouter.devstack;

import io.helidon.config.Config;
import io.inferrouter.devstack.kube.ModelServers;
import io.inferrouter.support.Setting;
import io.inferrouter.support.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the embedded default starts. Every option is a command-line flag ({@code --data-dir DIR}) and an
 * environment variable ({@code ROUTER_DATA_DIR}); the flag wins. The README's options table is
 * {@link #SETTINGS}' {@code markdownFlags()}.
 *
 * @param dataDir           where the broker's data and the generated kubeconfig live
 * @param clean             delete the data directory before starting
 * @param kafkaHost         host of the embedded broker
 * @param kafkaPort         port of the embedded broker
 * @param bootstrapServers  an external Kafka to use instead of the embedded broker; null means embedded
 * @param replicationFactor replication factor for topics it creates
 * @param gatewayPort       gateway-node's OpenAI API
 * @param adminPort         admin-ui
 * @param routingStreamPort routing-stream's query API
 * @param kubePort          the mock Kubernetes API
 * @param kubeconfig        a real cluster to use instead of the mock API ({@code KUBECONFIG} is not read on
 *                          purpose: the devstack never touches a cluster unless told to)
 * @param manifests         manifests seeded into the mock API
 * @param ingestorPort      state-ingestor's /metrics and /health
 * @param simPods           simulated vLLM pods (0 = none, for real model servers)
 * @param simBaseAddress    the first pod's address
 * @param simPort           every simulated pod's port (the example pools' port)
 * @param simTimeScale      real time per simulated GPU time
 * @param modelServers      real model servers registered as Ready pods of a seeded pool (mock API only)
 * @param profile           the gateway's default scheduling profile
 * @param gateways          gateway-node replicas; replica k listens on gatewayPort + 100 k
 */
public record DevstackConfig(Path dataDir, boolean clean, String kafkaHost, int kafkaPort, String bootstrapServers,
                             short replicationFactor, int gatewayPort, int adminPort, int routingStreamPort, int kubePort,
                             Path kubeconfig, List<Path> manifests, int ingestorPort, int simPods,
                             String simBaseAddress, int simPort, double simTimeScale,
                             List<ModelServers.Spec> modelServers, String profile, int gateways) {

    /** The manifests the mock Kubernetes API is seeded with when none are named. */
    public static final List<Path> DEFAULT_MANIFESTS = List.of(Path.of("deploy", "crds"), Path.of("deploy", "examples"));

    public static final int DEFAULT_KAFKA_PORT = 9092;
    /** Gateway replica k listens this many ports times k above the first. */
    public static final int GATEWAY_PORT_STEP = 100;
    static final int MAX_GATEWAYS = 10;

    public static final Setting<Path> DATA_DIR = Setting.path("data-dir", "ROUTER_DATA_DIR", Path.of(".devstack"),
            "broker data, Streams state, kubeconfig; a second start reuses it");
    public static final Setting<Boolean> CLEAN = Setting.flag("clean", "ROUTER_CLEAN", false,
            "delete the data directory first");
    public static final Setting<String> KAFKA_HOST = Setting.text("kafka-host", "ROUTER_KAFKA_HOST", "127.0.0.1",
            "embedded broker host");
    public static final Setting<Integer> KAFKA_PORT = Setting.integer("kafka-port", "ROUTER_KAFKA_PORT",
            DEFAULT_KAFKA_PORT, "embedded broker port (0 = any free)");
    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("bootstrap-servers",
            "ROUTER_BOOTSTRAP_SERVERS", null, "use this Kafka instead of the embedded broker");
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer("replication-factor",
            "ROUTER_REPLICATION_FACTOR", 1, "replication factor of the topics it creates");
    public static final Setting<Integer> GATEWAY_PORT = Setting.integer("gateway-port", "ROUTER_GATEWAY_PORT", 8080,
            "gateway-node OpenAI API (0 = any free)");
    public static final Setting<Integer> ADMIN_PORT = Setting.integer("admin-port", "ROUTER_ADMIN_PORT", 8081,
            "admin-ui (0 = any free)");
    public static final Setting<Integer> ROUTING_STREAM_PORT = Setting.integer("routing-stream-port",
            "ROUTER_ROUTING_STREAM_PORT", 8082, "routing-stream query API (0 = any free)");
    public static final Setting<Integer> INGESTOR_PORT = Setting.integer("ingestor-port", "ROUTER_INGESTOR_PORT", 8083,
            "state-ingestor /metrics, /health (0 = any free)");
    public static final Setting<Integer> KUBE_PORT = Setting.integer("kube-port", "ROUTER_KUBE_PORT", 6443,
            "mock Kubernetes API (0 = any free)");
    public static final Setting<List<String>> MANIFESTS = Setting.list("manifests", "ROUTER_MANIFESTS",
            "seed the mock API with these manifests (repeatable; unset: deploy/crds, deploy/examples)");
    public static final Setting<Path> KUBECONFIG = Setting.path("kubeconfig", "ROUTER_KUBECONFIG", null,
            "use this cluster (and its model servers) instead of the mock API and the simulated pods");
    public static final Setting<List<String>> MODEL_SERVERS = Setting.list("model-server", "ROUTER_MODEL_SERVERS",
            "[NS/]POOL=IP: register a real model server listening at IP on the pool's target port as a Ready pod"
                    + " of that seeded pool (repeatable; NS defaults to llm; with --sim-pods 0 it is the only server)");
    public static final Setting<Integer> SIM_PODS = Setting.integer("sim-pods", "ROUTER_SIM_PODS", 8,
            "simulated vLLM pods (0 = none, for real model servers)");
    public static final Setting<String> SIM_BASE_ADDRESS = Setting.text("sim-base-address", "ROUTER_SIM_BASE_ADDRESS",
            "127.0.1.1", "first simulated pod's address");
    public static final Setting<Integer> SIM_PORT = Setting.integer("sim-port", "ROUTER_SIM_PORT", 8000,
            "simulated pods' port");
    public static final Setting<Double> SIM_TIME_SCALE = Setting.decimal("sim-time-scale", "ROUTER_SIM_TIME_SCALE",
            1.0, "real time per simulated GPU time (0.1 = ten times faster)");

    public static final Setting<String> PROFILE = Setting.text("profile", "ROUTER_PROFILE", "precise",
            "the gateway's default scheduling profile; `precise` routes by the prefix blocks the pods report in their"
                    + " KV events (README: gateway-node, Precise prefix affinity), `default` by the gateway's own guess");

    public static final Setting<Integer> GATEWAYS = Setting.integer("gateways", "ROUTER_GATEWAYS", 1,
            "gateway-node replicas (1-10), active-active, sharing what they learn through Kafka; replica k listens on"
                    + " --gateway-port + 100 k (8080, 8180, 8280, ...)");

    public static final Settings SETTINGS = Settings.of("devstack", DATA_DIR, CLEAN, KAFKA_HOST, KAFKA_PORT,
            BOOTSTRAP_SERVERS, REPLICATION_FACTOR, GATEWAY_PORT, ADMIN_PORT, ROUTING_STREAM_PORT, INGESTOR_PORT,
            KUBE_PORT, MANIFESTS, KUBECONFIG, MODEL_SERVERS, SIM_PODS, SIM_BASE_ADDRESS, SIM_PORT, SIM_TIME_SCALE,
            PROFILE, GATEWAYS);

    public DevstackConfig {
        if (dataDir == null) {
            throw new IllegalArgumentException("a data directory is required (--data-dir)");
        }
        if (kafkaPort < 0 || kafkaPort > 65535) {
            throw new IllegalArgumentException("--kafka-port must be 0-65535, was " + kafkaPort);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("--replication-factor must be >= 1, was " + replicationFactor);
        }
        checkPort(gatewayPort, "--gateway-port");
        checkPort(adminPort, "--admin-port");
        checkPort(routingStreamPort, "--routing-stream-port");
        checkPort(kubePort, "--kube-port");
        checkPort(ingestorPort, "--ingestor-port");
        checkPort(simPort, "--sim-port");
        if (simPods < 0 || simPods > 200) {
            throw new IllegalArgumentException("--sim-pods must be 0-200, was " + simPods);
        }
        if (!(simTimeScale > 0)) {
            throw new IllegalArgumentException("--sim-time-scale must be positive, was " + simTimeScale);
        }
        manifests = List.copyOf(manifests);
        modelServers = List.copyOf(modelServers);
        if (!modelServers.isEmpty() && kubeconfig != null) {
            throw new IllegalArgumentException("--model-server registers pods in the mock Kubernetes API; with"
                    + " --kubeconfig the cluster's own pods are the model servers");
        }
        if (profile == null || profile.isBlank()) {
            throw new IllegalArgumentException("--profile must name a scheduling profile (for example precise, default)");
        }
        if (gateways < 1 || gateways > MAX_GATEWAYS) {
            throw new IllegalArgumentException("--gateways must be 1-" + MAX_GATEWAYS + ", was " + gateways);
        }
        if (gatewayPort != 0 && gatewayPort + GATEWAY_PORT_STEP * (gateways - 1) > 65535) {
            throw new IllegalArgumentException("--gateways " + gateways + " from --gateway-port " + gatewayPort
                    + " would need port " + (gatewayPort + GATEWAY_PORT_STEP * (gateways - 1)) + ", above 65535");
        }
        if (bootstrapServers != null && bootstrapServers.isBlank()) {
            bootstrapServers = null;
        }
    }

    /** The port of gateway replica {@code k} (0: any free one). */
    public int gatewayPort(int k) {
        return gatewayPort == 0 ? 0 : gatewayPort + GATEWAY_PORT_STEP * k;
    }

    public boolean embeddedKafka() {
        return bootstrapServers == null;
    }

    /**
     * Whether the gateway tokenizes prompts as the simulated pods do, which precise prefix routing needs:
     * when they are the only model servers. A real server's tokenizer is its model's, which the devstack
     * does not have; its requests fall back to approximate prefix routing.
     */
    public boolean simTokenizer() {
        return kubeconfig == null && simPods > 0 && modelServers.isEmpty();
    }

    /** Reads flags, falling back to environment variables and then defaults. */
    public static DevstackConfig parse(List<String> args, Map<String, String> env) {
        if (args.contains("--help") || args.contains("-h")) {
            throw new UsageException(usage());
        }
        try {
            Config c = SETTINGS.fromArgs(args, env);
            List<Path> manifests = MANIFESTS.from(c).stream().map(Path::of).toList();
            if (manifests.isEmpty()) {
                manifests = DEFAULT_MANIFESTS.stream().filter(Files::exists).toList();
            }
            int replicationFactor = REPLICATION_FACTOR.from(c);
            if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
                throw new IllegalArgumentException("--replication-factor must be 1-" + Short.MAX_VALUE + ", was "
                        + replicationFactor);
            }
            return new DevstackConfig(DATA_DIR.from(c), CLEAN.from(c), KAFKA_HOST.from(c), KAFKA_PORT.from(c),
                    BOOTSTRAP_SERVERS.from(c), (short) replicationFactor, GATEWAY_PORT.from(c),
                    ADMIN_PORT.from(c), ROUTING_STREAM_PORT.from(c), KUBE_PORT.from(c), KUBECONFIG.from(c), manifests,
                    INGESTOR_PORT.from(c), SIM_PODS.from(c), SIM_BASE_ADDRESS.from(c), SIM_PORT.from(c),
                    SIM_TIME_SCALE.from(c), MODEL_SERVERS.from(c).stream().map(ModelServers.Spec::parse).toList(),
                    PROFILE.from(c), GATEWAYS.from(c));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + "\n" + usage());
        }
    }

    public static String usage() {
        return "usage: ./dev up [options]\n" + SETTINGS.usage();
    }

    private static void checkPort(int port, String flag) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " must be 0-65535, was " + port);
        }
    }

    /** Bad command line: the message is for the operator, printed without a stack trace. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
