package io.inferrouter.ingestor;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * state-ingestor's configuration: a YAML file (optional) with environment variables on top, built in
 * {@link #from(Config)} and checked here, once, with messages an operator can act on. Every option,
 * its key, variable and default are in README-section.md.
 *
 * @param bootstrapServers  Kafka bootstrap servers
 * @param source            {@code kubernetes} (watch a cluster) or {@code files} (read manifests)
 * @param kubeconfig        a kubeconfig file; null means fabric8's default (in-cluster, then ~/.kube/config)
 * @param masterUrl         the API server URL, used instead of a kubeconfig (no credentials); null if unset
 * @param namespaces        namespaces to watch; empty means all
 * @param filesDir          the manifest directory of the files source
 * @param filesPollInterval how often the manifest directory is checked for changes
 * @param podLabelKeys      pods with any of these label keys are published even when no pool selects them
 * @param scrapeInterval    time between scrapes of one endpoint
 * @param scrapeTimeout     how long one scrape (connect + answer) may take
 * @param maxBackoff        the longest wait after repeated scrape failures of one endpoint
 * @param httpHost          address of /health, /ready and /metrics
 * @param httpPort          port of /health, /ready and /metrics (0 = any free port)
 * @param leaderElection    elect one replica (Lease) to publish and scrape
 * @param leaseNamespace    namespace of the Lease
 * @param leaseName         name of the Lease
 * @param leaseDuration     how long a leader's lease lasts without renewal
 * @param renewDeadline     how long the leader keeps trying to renew before it steps down
 * @param retryPeriod       how often candidates try to acquire, and the leader to renew
 * @param identity          this replica's name, in the Lease and in every record's source
 * @param syncTimeout       how long to wait for the first full listing before warning that it is late
 * @param resync            period of the informers' full resync (unchanged objects are not republished)
 * @param replicationFactor replication factor of the topics this service creates
 */
public record IngestorConfig(String bootstrapServers, String source, Path kubeconfig, String masterUrl,
                             List<String> namespaces, Path filesDir, Duration filesPollInterval,
                             Set<String> podLabelKeys, Duration scrapeInterval, Duration scrapeTimeout,
                             Duration maxBackoff, String httpHost, int httpPort, boolean leaderElection,
                             String leaseNamespace, String leaseName, Duration leaseDuration,
                             Duration renewDeadline, Duration retryPeriod, String identity, Duration syncTimeout,
                             Duration resync, short replicationFactor) {

    public static final String SOURCE_KUBERNETES = "kubernetes";
    public static final String SOURCE_FILES = "files";

    public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofMillis(50);
    public static final Duration DEFAULT_SCRAPE_TIMEOUT = Duration.ofMillis(250);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    public static final Duration DEFAULT_FILES_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
    public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RESYNC = Duration.ofMinutes(10);

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    /** Environment variable to config key; the variables win over the file. */
    public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("ROUTER_BOOTSTRAP_SERVERS", "kafka.bootstrap-servers"),
            Map.entry("INGESTOR_SOURCE", "source"),
            Map.entry("INGESTOR_KUBECONFIG", "kubeconfig"),
            Map.entry("INGESTOR_MASTER_URL", "kubernetes.master-url"),
            Map.entry("INGESTOR_NAMESPACES", "namespaces"),
            Map.entry("INGESTOR_FILES_DIR", "files.dir"),
            Map.entry("INGESTOR_FILES_POLL_INTERVAL", "files.poll-interval"),
            Map.entry("INGESTOR_POD_LABEL_KEYS", "pod-label-keys"),
            Map.entry("INGESTOR_SCRAPE_INTERVAL", "scrape.interval"),
            Map.entry("INGESTOR_SCRAPE_TIMEOUT", "scrape.timeout"),
            Map.entry("INGESTOR_SCRAPE_MAX_BACKOFF", "scrape.max-backoff"),
            Map.entry("INGESTOR_HTTP_HOST", "http.host"),
            Map.entry("INGESTOR_HTTP_PORT", "http.port"),
            Map.entry("INGESTOR_LEADER_ELECTION", "leader-election.enabled"),
            Map.entry("INGESTOR_LEASE_NAMESPACE", "leader-election.namespace"),
            Map.entry("INGESTOR_LEASE_NAME", "leader-election.lease-name"),
            Map.entry("INGESTOR_LEASE_DURATION", "leader-election.lease-duration"),
            Map.entry("INGESTOR_RENEW_DEADLINE", "leader-election.renew-deadline"),
            Map.entry("INGESTOR_RETRY_PERIOD", "leader-election.retry-period"),
            Map.entry("INGESTOR_IDENTITY", "identity"),
            Map.entry("INGESTOR_SYNC_TIMEOUT", "sync-timeout"),
            Map.entry("INGESTOR_RESYNC", "resync"),
            Map.entry("INGESTOR_REPLICATION_FACTOR", "replication-factor"));

    public IngestorConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrap-servers (ROUTER_BOOTSTRAP_SERVERS) is required");
        }
        if (!SOURCE_KUBERNETES.equals(source) && !SOURCE_FILES.equals(source)) {
            throw new IllegalArgumentException("source (INGESTOR_SOURCE) must be 'kubernetes' or 'files', was '"
                    + source + "'");
        }
        if (SOURCE_FILES.equals(source) && filesDir == null) {
            throw new IllegalArgumentException("source 'files' needs files.dir (INGESTOR_FILES_DIR)");
        }
        if (kubeconfig != null && masterUrl != null) {
            throw new IllegalArgumentException("set either kubeconfig (INGESTOR_KUBECONFIG) or kubernetes.master-url "
                    + "(INGESTOR_MASTER_URL), not both");
        }
        if (masterUrl != null && !masterUrl.startsWith("http://") && !masterUrl.startsWith("https://")) {
            throw new IllegalArgumentException("kubernetes.master-url must start with http:// or https://, was '"
                    + masterUrl + "'");
        }
        namespaces = List.copyOf(namespaces == null ? List.of() : namespaces);
        for (String ns : namespaces) {
            if (!DNS_LABEL.matcher(ns).matches()) {
                throw new IllegalArgumentException("namespaces (INGESTOR_NAMESPACES) has an invalid namespace '" + ns
                        + "' (lower-case letters, digits and '-', at most 63)");
            }
        }
        podLabelKeys = Set.copyOf(podLabelKeys == null ? Set.of() : podLabelKeys);
        positive(filesPollInterval, "files.poll-interval");
        positive(scrapeInterval, "scrape.interval");
        positive(scrapeTimeout, "scrape.timeout");
        positive(maxBackoff, "scrape.max-backoff");
        if (maxBackoff.compareTo(scrapeInterval) < 0) {
            throw new IllegalArgumentException("scrape.max-backoff (" + Durations.format(maxBackoff)
                    + ") must not be shorter than scrape.interval (" + Durations.format(scrapeInterval) + ")");
        }
        if (httpHost == null || httpHost.isBlank()) {
            throw new IllegalArgumentException("http.host (INGESTOR_HTTP_HOST) is required");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("http.port (INGESTOR_HTTP_PORT) must be 0-65535, was " + httpPort);
        }
        if (leaderElection && SOURCE_FILES.equals(source)) {
            throw new IllegalArgumentException("leader-election.enabled needs source 'kubernetes' (the Lease lives "
                    + "in the cluster); run a single replica in files mode");
        }
        if (leaseNamespace == null || !DNS_LABEL.matcher(leaseNamespace).matches()) {
            throw new IllegalArgumentException("leader-election.namespace must be a namespace name, was '"
                    + leaseNamespace + "'");
        }
        if (leaseName == null || !DNS_SUBDOMAIN.matcher(leaseName).matches()) {
            throw new IllegalArgumentException("leader-election.lease-name must be a DNS name, was '" + leaseName + "'");
        }
        positive(leaseDuration, "leader-election.lease-duration");
        positive(renewDeadline, "leader-election.renew-deadline");
        positive(retryPeriod, "leader-election.retry-period");
        if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
            throw new IllegalArgumentException("leader election needs retry-period < renew-deadline < lease-duration, "
                    + "was " + Durations.format(retryPeriod) + " / " + Durations.format(renewDeadline) + " / "
                    + Durations.format(leaseDuration));
        }
        if (identity == null || identity.isBlank()) {
            throw new IllegalArgumentException("identity (INGESTOR_IDENTITY) is required");
        }
        positive(syncTimeout, "sync-timeout");
        positive(resync, "resync");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication-factor (INGESTOR_REPLICATION_FACTOR) must be >= 1, was "
                    + replicationFactor);
        }
    }

    /**
     * The positional form of the first version of this record, kept so that callers written against it
     * compile: no master URL, the default files poll interval, Lease name and Lease timings.
     */
    public IngestorConfig(String bootstrapServers, String source, Path kubeconfig, List<String> namespaces,
                          Path filesDir, Set<String> podLabelKeys, Duration scrapeInterval, Duration scrapeTimeout,
                          Duration maxBackoff, String httpHost, int httpPort, boolean leaderElection,
                          String leaseNamespace, String identity, Duration syncTimeout, Duration resync,
                          short replicationFactor) {
        this(bootstrapServers, source, kubeconfig, null, namespaces, filesDir, DEFAULT_FILES_POLL_INTERVAL,
                podLabelKeys, scrapeInterval, scrapeTimeout, maxBackoff, httpHost, httpPort, leaderElection,
                leaseNamespace, "state-ingestor", DEFAULT_LEASE_DURATION, DEFAULT_RENEW_DEADLINE, DEFAULT_RETRY_PERIOD,
                identity, syncTimeout, resync, replicationFactor);
    }

    /** Reads every option from {@code c}, defaults beside each key. */
    public static IngestorConfig from(Config c) {
        String host = System.getenv().getOrDefault("HOSTNAME", "state-ingestor-" + ProcessHandle.current().pid());
        return new IngestorConfig(
                c.get("kafka.bootstrap-servers").asString().orElse("127.0.0.1:9092"),
                c.get("source").asString().orElse(SOURCE_KUBERNETES),
                c.get("kubeconfig").asString().map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).orElse(null),
                c.get("kubernetes.master-url").asString().map(String::trim).filter(s -> !s.isEmpty()).orElse(null),
                strings(c, "namespaces"),
                c.get("files.dir").asString().map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).orElse(null),
                duration(c, "files.poll-interval", DEFAULT_FILES_POLL_INTERVAL),
                Set.copyOf(strings(c, "pod-label-keys")),
                duration(c, "scrape.interval", DEFAULT_SCRAPE_INTERVAL),
                duration(c, "scrape.timeout", DEFAULT_SCRAPE_TIMEOUT),
                duration(c, "scrape.max-backoff", DEFAULT_MAX_BACKOFF),
                c.get("http.host").asString().orElse("127.0.0.1"),
                integer(c, "http.port", 8083),
                bool(c, "leader-election.enabled", false),
                c.get("leader-election.namespace").asString().orElse("default"),
                c.get("leader-election.lease-name").asString().orElse("state-ingestor"),
                duration(c, "leader-election.lease-duration", DEFAULT_LEASE_DURATION),
                duration(c, "leader-election.renew-deadline", DEFAULT_RENEW_DEADLINE),
                duration(c, "leader-election.retry-period", DEFAULT_RETRY_PERIOD),
                c.get("identity").asString().orElse(host),
                duration(c, "sync-timeout", DEFAULT_SYNC_TIMEOUT),
                duration(c, "resync", DEFAULT_RESYNC),
                (short) integer(c, "replication-factor", 1));
    }

    /** Builds the configuration from config keys (as in the YAML file, dotted), defaults for the rest. */
    public static IngestorConfig of(Map<String, String> keys) {
        return from(Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(keys)).build());
    }

    public boolean filesMode() {
        return SOURCE_FILES.equals(source);
    }

    /** Whether a record key {@code namespace/name} belongs to the namespaces this ingestor owns. */
    public boolean owns(String key) {
        if (namespaces.isEmpty()) {
            return true;
        }
        int slash = key.indexOf('/');
        return slash > 0 && namespaces.contains(key.substring(0, slash));
    }

    private static Duration duration(Config c, String key, Duration fallback) {
        return c.get(key).asString().map(s -> Durations.parse(key, s)).orElse(fallback);
    }

    private static int integer(Config c, String key, int fallback) {
        String s = c.get(key).asString().orElse(null);
        if (s == null || s.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was '" + s + "'", e);
        }
    }

    private static boolean bool(Config c, String key, boolean fallback) {
        String s = c.get(key).asString().orElse(null);
        if (s == null || s.isBlank()) {
            return fallback;
        }
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, was '" + s + "'");
        };
    }

    /** A YAML list, or a comma-separated string (as environment variables give it). */
    private static List<String> strings(Config c, String key) {
        Config node = c.get(key);
        if (node.type() == Config.Type.LIST) {
            return node.asList(String.class).get().stream().map(String::trim).filter(x -> !x.isEmpty()).toList();
        }
        return csv(node.asString().orElse(""));
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
