package io.inferrouter.ingestor;

import io.helidon.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * state-ingestor's configuration: a YAML file (optional) with environment variables on top. Every
 * option, its key, variable and default are in README.md.
 *
 * @param source            {@code kubernetes} (watch a cluster) or {@code files} (read manifests)
 * @param kubeconfig        a kubeconfig file; null means fabric8's default (in-cluster, then ~/.kube/config)
 * @param namespaces        namespaces to watch; empty means all
 * @param filesDir          the manifest directory of the files source
 * @param podLabelKeys      pods with any of these label keys are published even when no pool selects them
 * @param scrapeInterval    time between scrapes of one endpoint
 * @param scrapeTimeout     how long one scrape may take
 * @param maxBackoff        the longest wait after repeated scrape failures
 * @param leaderElection    elect one replica (Lease) to publish and scrape
 * @param leaseNamespace    namespace of the Lease
 * @param identity          this replica's name, in the Lease and in every record's source
 * @param syncTimeout       how long to wait for the first full listing before reporting not ready
 */
public record IngestorConfig(String bootstrapServers, String source, Path kubeconfig, List<String> namespaces,
                             Path filesDir, Set<String> podLabelKeys, Duration scrapeInterval, Duration scrapeTimeout,
                             Duration maxBackoff, String httpHost, int httpPort, boolean leaderElection,
                             String leaseNamespace, String identity, Duration syncTimeout, Duration resync,
                             short replicationFactor) {

    public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("ROUTER_BOOTSTRAP_SERVERS", "kafka.bootstrap-servers"),
            Map.entry("INGESTOR_SOURCE", "source"),
            Map.entry("INGESTOR_KUBECONFIG", "kubeconfig"),
            Map.entry("INGESTOR_NAMESPACES", "namespaces"),
            Map.entry("INGESTOR_FILES_DIR", "files.dir"),
            Map.entry("INGESTOR_POD_LABEL_KEYS", "pod-label-keys"),
            Map.entry("INGESTOR_SCRAPE_INTERVAL", "scrape.interval"),
            Map.entry("INGESTOR_SCRAPE_TIMEOUT", "scrape.timeout"),
            Map.entry("INGESTOR_HTTP_HOST", "http.host"),
            Map.entry("INGESTOR_HTTP_PORT", "http.port"),
            Map.entry("INGESTOR_LEADER_ELECTION", "leader-election.enabled"),
            Map.entry("INGESTOR_LEASE_NAMESPACE", "leader-election.namespace"),
            Map.entry("INGESTOR_IDENTITY", "identity"),
            Map.entry("INGESTOR_REPLICATION_FACTOR", "replication-factor"));

    public IngestorConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrap-servers is required");
        }
        if (!Set.of("kubernetes", "files").contains(source)) {
            throw new IllegalArgumentException("source must be 'kubernetes' or 'files', was '" + source + "'");
        }
        if (source.equals("files") && filesDir == null) {
            throw new IllegalArgumentException("source 'files' needs files.dir (INGESTOR_FILES_DIR)");
        }
        namespaces = List.copyOf(namespaces);
        podLabelKeys = Set.copyOf(podLabelKeys);
        positive(scrapeInterval, "scrape.interval");
        positive(scrapeTimeout, "scrape.timeout");
        positive(maxBackoff, "scrape.max-backoff");
        positive(syncTimeout, "sync-timeout");
        positive(resync, "resync");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("http.port must be 0-65535, was " + httpPort);
        }
        if (identity == null || identity.isBlank()) {
            throw new IllegalArgumentException("identity is required");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication-factor must be >= 1");
        }
    }

    public static IngestorConfig from(Config c) {
        String host = System.getenv().getOrDefault("HOSTNAME", "state-ingestor-" + ProcessHandle.current().pid());
        return new IngestorConfig(
                c.get("kafka.bootstrap-servers").asString().orElse("127.0.0.1:9092"),
                c.get("source").asString().orElse("kubernetes"),
                c.get("kubeconfig").asString().map(Path::of).orElse(null),
                csv(c.get("namespaces").asString().orElse("")),
                c.get("files.dir").asString().map(Path::of).orElse(null),
                Set.copyOf(csv(c.get("pod-label-keys").asString().orElse(""))),
                c.get("scrape.interval").as(Duration.class).orElse(Duration.ofMillis(50)),
                c.get("scrape.timeout").as(Duration.class).orElse(Duration.ofMillis(500)),
                c.get("scrape.max-backoff").as(Duration.class).orElse(Duration.ofSeconds(5)),
                c.get("http.host").asString().orElse("127.0.0.1"),
                c.get("http.port").asInt().orElse(8083),
                c.get("leader-election.enabled").asBoolean().orElse(false),
                c.get("leader-election.namespace").asString().orElse("default"),
                c.get("identity").asString().orElse(host),
                c.get("sync-timeout").as(Duration.class).orElse(Duration.ofSeconds(60)),
                c.get("resync").as(Duration.class).orElse(Duration.ofMinutes(10)),
                c.get("replication-factor").asInt().orElse(1).shortValue());
    }

    private static List<String> csv(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration, was " + d);
        }
    }
}
