package io.inferrouter.devstack;

import io.inferrouter.devstack.kube.ModelServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the embedded default starts. Every option has a command-line flag and an environment
 * variable; the flag wins.
 *
 * @param dataDir          where the broker's data and the generated kubeconfig live ({@code --data-dir},
 *                         {@code ROUTER_DATA_DIR}; default {@code .devstack} in the working directory)
 * @param clean            delete the data directory before starting ({@code --clean})
 * @param kafkaHost        host of the embedded broker ({@code --kafka-host}; default 127.0.0.1)
 * @param kafkaPort        port of the embedded broker ({@code --kafka-port}, {@code ROUTER_KAFKA_PORT}; default 9092)
 * @param bootstrapServers an external Kafka to use instead of the embedded broker ({@code --bootstrap-servers},
 *                         {@code ROUTER_BOOTSTRAP_SERVERS}); null means embedded
 * @param replicationFactor replication factor for topics it creates ({@code --replication-factor}; default 1)
 * @param gatewayPort       gateway-node's OpenAI API ({@code --gateway-port}; default 8080)
 * @param routingStreamPort routing-stream's query API ({@code --routing-stream-port}; default 8082)
 * @param adminPort         admin-ui ({@code --admin-port}; default 8081)
 * @param kubePort          the mock Kubernetes API ({@code --kube-port}; default 6443)
 * @param kubeconfig        a real cluster to use instead of the mock API ({@code --kubeconfig}, {@code KUBECONFIG}
 *                          is not read on purpose: the devstack never touches a cluster unless told to)
 * @param ingestorPort      state-ingestor's /metrics and /health ({@code --ingestor-port}; default 8083)
 * @param simPods           simulated vLLM pods ({@code --sim-pods}; default 8; 0 = none, for real model servers)
 * @param simBaseAddress    the first pod's address ({@code --sim-base-address}; default 127.0.1.1)
 * @param simPort           every simulated pod's port ({@code --sim-port}; default 8000, the example pools' port)
 * @param simTimeScale      real time per simulated GPU time ({@code --sim-time-scale}; default 1.0)
 * @param manifests         manifests seeded into the mock API ({@code --manifests}, repeatable; default the
 *                          existing ones of {@code deploy/crds} and {@code deploy/examples})
 * @param modelServers      real model servers registered as Ready pods of a seeded pool
 *                          ({@code --model-server [NAMESPACE/]POOL=IP}, repeatable; mock API only)
 */
public record DevstackConfig(Path dataDir, boolean clean, String kafkaHost, int kafkaPort, String bootstrapServers,
                             short replicationFactor, int gatewayPort, int adminPort, int routingStreamPort, int kubePort,
                             Path kubeconfig, List<Path> manifests, int ingestorPort, int simPods,
                             String simBaseAddress, int simPort, double simTimeScale,
                             List<ModelServers.Spec> modelServers) {

    /** The manifests the mock Kubernetes API is seeded with when none are named. */
    public static final List<Path> DEFAULT_MANIFESTS = List.of(Path.of("deploy", "crds"), Path.of("deploy", "examples"));

    public static final int DEFAULT_KAFKA_PORT = 9092;

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
        if (bootstrapServers != null && bootstrapServers.isBlank()) {
            bootstrapServers = null;
        }
    }

    public boolean embeddedKafka() {
        return bootstrapServers == null;
    }

    /** Reads flags, falling back to environment variables and then defaults. */
    public static DevstackConfig parse(List<String> args, Map<String, String> env) {
        Path dataDir = Path.of(env.getOrDefault("ROUTER_DATA_DIR", ".devstack"));
        boolean clean = false;
        String kafkaHost = "127.0.0.1";
        int kafkaPort = intOf(env.getOrDefault("ROUTER_KAFKA_PORT", Integer.toString(DEFAULT_KAFKA_PORT)), "ROUTER_KAFKA_PORT");
        String bootstrap = env.get("ROUTER_BOOTSTRAP_SERVERS");
        short rf = 1;
        int gatewayPort = 8080;
        int adminPort = 8081;
        int routingStreamPort = 8082;
        int kubePort = 6443;
        int ingestorPort = 8083;
        int simPods = 8;
        String simBase = "127.0.1.1";
        int simPort = 8000;
        double simTimeScale = 1.0;
        Path kubeconfig = null;
        List<Path> manifests = new ArrayList<>();
        List<ModelServers.Spec> modelServers = new ArrayList<>();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            switch (flag) {
                case "--data-dir" -> dataDir = Path.of(value(flag, rest));
                case "--clean" -> clean = true;
                case "--kafka-host" -> kafkaHost = value(flag, rest);
                case "--kafka-port" -> kafkaPort = intOf(value(flag, rest), flag);
                case "--bootstrap-servers" -> bootstrap = value(flag, rest);
                case "--replication-factor" -> rf = (short) intOf(value(flag, rest), flag);
                case "--gateway-port" -> gatewayPort = intOf(value(flag, rest), flag);
                case "--admin-port" -> adminPort = intOf(value(flag, rest), flag);
                case "--routing-stream-port" -> routingStreamPort = intOf(value(flag, rest), flag);
                case "--kube-port" -> kubePort = intOf(value(flag, rest), flag);
                case "--ingestor-port" -> ingestorPort = intOf(value(flag, rest), flag);
                case "--sim-pods" -> simPods = intOf(value(flag, rest), flag);
                case "--sim-base-address" -> simBase = value(flag, rest);
                case "--sim-port" -> simPort = intOf(value(flag, rest), flag);
                case "--sim-time-scale" -> simTimeScale = doubleOf(value(flag, rest), flag);
                case "--kubeconfig" -> kubeconfig = Path.of(value(flag, rest));
                case "--manifests" -> manifests.add(Path.of(value(flag, rest)));
                case "--model-server" -> modelServers.add(modelServer(value(flag, rest)));
                case "--help", "-h" -> throw new UsageException(usage());
                default -> throw new UsageException("unknown option '" + flag + "'\n" + usage());
            }
        }
        if (manifests.isEmpty()) {
            DEFAULT_MANIFESTS.stream().filter(java.nio.file.Files::exists).forEach(manifests::add);
        }
        return new DevstackConfig(dataDir, clean, kafkaHost, kafkaPort, bootstrap, rf, gatewayPort, adminPort, routingStreamPort,
                kubePort, kubeconfig, manifests, ingestorPort, simPods, simBase, simPort, simTimeScale, modelServers);
    }

    public static String usage() {
        return """
                usage: ./dev up [options]
                  --data-dir DIR            data directory (env ROUTER_DATA_DIR, default .devstack)
                  --clean                   delete the data directory first
                  --kafka-host HOST         embedded broker host (default 127.0.0.1)
                  --kafka-port PORT         embedded broker port (env ROUTER_KAFKA_PORT, default 9092; 0 = any free)
                  --bootstrap-servers LIST  use this Kafka instead of the embedded broker (env ROUTER_BOOTSTRAP_SERVERS)
                  --replication-factor N    replication factor of topics it creates (default 1)
                  --gateway-port PORT       gateway-node OpenAI API (default 8080; 0 = any free)
                  --admin-port PORT         admin-ui (default 8081; 0 = any free)
                  --routing-stream-port P   routing-stream query API (default 8082; 0 = any free)
                  --kube-port PORT          mock Kubernetes API (default 6443; 0 = any free)
                  --manifests PATH          seed the mock API with these manifests (repeatable;
                                            default: deploy/crds, deploy/examples)
                  --kubeconfig FILE         use this cluster instead of the mock API (and its model servers)
                  --model-server [NS/]POOL=IP  register a real model server at IP (listening on the
                                            pool's target port) as a Ready pod of that seeded pool
                                            (repeatable; NS defaults to llm; combine with --sim-pods 0)
                  --ingestor-port PORT      state-ingestor /metrics, /health (default 8083; 0 = any free)
                  --sim-pods N              simulated vLLM pods (default 8; 0 = none)
                  --sim-base-address IP     first simulated pod's address (default 127.0.1.1)
                  --sim-port PORT           simulated pods' port (default 8000)
                  --sim-time-scale F        real time per simulated GPU time (default 1.0; 0.1 = 10x faster)""";
    }

    private static ModelServers.Spec modelServer(String text) {
        try {
            return ModelServers.Spec.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void checkPort(int port, String flag) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " must be 0-65535, was " + port);
        }
    }

    private static String value(String flag, List<String> rest) {
        if (rest.isEmpty() || rest.get(0).startsWith("--")) {
            throw new UsageException(flag + " needs a value\n" + usage());
        }
        return rest.remove(0);
    }

    private static double doubleOf(String text, String what) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(what + " must be a number, was '" + text + "'");
        }
    }

    private static int intOf(String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(what + " must be a number, was '" + text + "'");
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
