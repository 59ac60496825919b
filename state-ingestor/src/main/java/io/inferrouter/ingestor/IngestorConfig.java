package io.inferrouter.ingestor;

import io.helidon.config.Config;
import io.inferrouter.ingestor.kv.KvSubscriberConfig;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.support.Durations;
import io.inferrouter.support.InstanceNames;
import io.inferrouter.support.Setting;
import io.inferrouter.support.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * state-ingestor's configuration: a YAML file (optional) with environment variables on top, built in
 * {@link #from(Config)} and checked here, once, with messages an operator can act on. Each component's
 * key, environment variable, default and meaning are the {@link Setting} declared beside it;
 * {@link #SETTINGS} renders them as the README's table (between the {@code config:state-ingestor} markers).
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
 * @param kvEvents          the KV-event subscriber's settings ({@code kv-events.*})
 */
public record IngestorConfig(String bootstrapServers, String source, Path kubeconfig, String masterUrl,
                             List<String> namespaces, Path filesDir, Duration filesPollInterval,
                             Set<String> podLabelKeys, Duration scrapeInterval, Duration scrapeTimeout,
                             Duration maxBackoff, String httpHost, int httpPort, boolean leaderElection,
                             String leaseNamespace, String leaseName, Duration leaseDuration,
                             Duration renewDeadline, Duration retryPeriod, String identity, Duration syncTimeout,
                             Duration resync, short replicationFactor, KvSubscriberConfig kvEvents) {

    public static final String SOURCE_KUBERNETES = "kubernetes";
    public static final String SOURCE_FILES = "files";

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("kafka.bootstrap-servers",
            "ROUTER_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "Kafka bootstrap servers");
    public static final Setting<String> SOURCE = Setting.text("source", "INGESTOR_SOURCE", SOURCE_KUBERNETES,
            "`kubernetes` (watch a cluster) or `files` (read manifests)");
    public static final Setting<Path> KUBECONFIG = Setting.path("kubeconfig", "INGESTOR_KUBECONFIG", null,
            "kubeconfig file; unset: fabric8's default (in-cluster, then `~/.kube/config`)");
    public static final Setting<String> MASTER_URL = Setting.text("kubernetes.master-url", "INGESTOR_MASTER_URL",
            null, "API server URL instead of a kubeconfig (no credentials)");
    public static final Setting<List<String>> NAMESPACES = Setting.list("namespaces", "INGESTOR_NAMESPACES",
            "namespaces to watch (and to reconcile); empty: all");
    public static final Setting<Path> FILES_DIR = Setting.path("files.dir", "INGESTOR_FILES_DIR", null,
            "manifest directory, required for the `files` source");
    public static final Setting<Duration> FILES_POLL_INTERVAL = Setting.duration("files.poll-interval",
            "INGESTOR_FILES_POLL_INTERVAL", Duration.ofSeconds(1), "how often the manifest directory is checked");
    public static final Setting<List<String>> POD_LABEL_KEYS = Setting.list("pod-label-keys",
            "INGESTOR_POD_LABEL_KEYS", "pods with any of these label keys are published even when no pool selects them");
    public static final Setting<Duration> SCRAPE_INTERVAL = Setting.duration("scrape.interval",
            "INGESTOR_SCRAPE_INTERVAL", Duration.ofMillis(50), "time between scrapes of one endpoint");
    public static final Setting<Duration> SCRAPE_TIMEOUT = Setting.duration("scrape.timeout",
            "INGESTOR_SCRAPE_TIMEOUT", Duration.ofMillis(250),
            "connect + answer of one scrape (5 intervals; a vLLM /metrics answers in a few ms)");
    public static final Setting<Duration> MAX_BACKOFF = Setting.duration("scrape.max-backoff",
            "INGESTOR_SCRAPE_MAX_BACKOFF", Duration.ofSeconds(5), "longest wait between scrapes of a failing endpoint");
    public static final Setting<String> HTTP_HOST = Setting.text("http.host", "INGESTOR_HTTP_HOST", "127.0.0.1",
            "address of /health, /ready and /metrics");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("http.port", "INGESTOR_HTTP_PORT", 8083,
            "port of /health, /ready and /metrics (0 = any free port)");
    public static final Setting<Boolean> LEADER_ELECTION = Setting.flag("leader-election.enabled",
            "INGESTOR_LEADER_ELECTION", false, "elect one publishing and scraping replica (`kubernetes` source only)");
    public static final Setting<String> LEASE_NAMESPACE = Setting.text("leader-election.namespace",
            "INGESTOR_LEASE_NAMESPACE", "default", "namespace of the Lease");
    public static final Setting<String> LEASE_NAME = Setting.text("leader-election.lease-name",
            "INGESTOR_LEASE_NAME", "state-ingestor", "name of the Lease");
    public static final Setting<Duration> LEASE_DURATION = Setting.duration("leader-election.lease-duration",
            "INGESTOR_LEASE_DURATION", Duration.ofSeconds(15), "lease validity without renewal");
    public static final Setting<Duration> RENEW_DEADLINE = Setting.duration("leader-election.renew-deadline",
            "INGESTOR_RENEW_DEADLINE", Duration.ofSeconds(10), "the leader steps down if it cannot renew within this");
    public static final Setting<Duration> RETRY_PERIOD = Setting.duration("leader-election.retry-period",
            "INGESTOR_RETRY_PERIOD", Duration.ofSeconds(2),
            "acquire/renew period (must be < renew-deadline < lease-duration)");
    public static final Setting<String> IDENTITY = Setting.text("identity", "INGESTOR_IDENTITY", null,
            "replica name: Lease holder, `source` of every record (`k8s:<identity>`, `scraper:<identity>`)")
            .computedDefault(() -> InstanceNames.podOr("state-ingestor"),
                    "$HOSTNAME (a pod's name), else state-ingestor-<host>-<pid>");
    public static final Setting<Duration> SYNC_TIMEOUT = Setting.duration("sync-timeout", "INGESTOR_SYNC_TIMEOUT",
            Duration.ofSeconds(60), "after this the first listing is logged as late (readiness keeps waiting)");
    public static final Setting<Duration> RESYNC = Setting.duration("resync", "INGESTOR_RESYNC",
            Duration.ofMinutes(10), "informer resync period (unchanged objects are not republished)");
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer("replication-factor",
            "INGESTOR_REPLICATION_FACTOR", 1, "replication factor of the topics it creates");

    public static final Settings SETTINGS = Settings.of("state-ingestor", BOOTSTRAP_SERVERS, SOURCE, KUBECONFIG,
            MASTER_URL, NAMESPACES, FILES_DIR, FILES_POLL_INTERVAL, POD_LABEL_KEYS, SCRAPE_INTERVAL, SCRAPE_TIMEOUT,
            MAX_BACKOFF, HTTP_HOST, HTTP_PORT, LEADER_ELECTION, LEASE_NAMESPACE, LEASE_NAME, LEASE_DURATION,
            RENEW_DEADLINE, RETRY_PERIOD, IDENTITY, SYNC_TIMEOUT, RESYNC, REPLICATION_FACTOR, KvSubscriberConfig.ENABLED,
            KvSubscriberConfig.PORT, KvSubscriberConfig.REPLAY_PORT, KvSubscriberConfig.SNAPSHOT_INTERVAL,
            KvSubscriberConfig.REPLAY_TIMEOUT, KvSubscriberConfig.REPLAY_ATTEMPTS);

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public IngestorConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(BOOTSTRAP_SERVERS.label() + " is required");
        }
        if (!SOURCE_KUBERNETES.equals(source) && !SOURCE_FILES.equals(source)) {
            throw new IllegalArgumentException(SOURCE.label() + " must be 'kubernetes' or 'files', was '" + source + "'");
        }
        if (SOURCE_FILES.equals(source) && filesDir == null) {
            throw new IllegalArgumentException("source 'files' needs " + FILES_DIR.label());
        }
        masterUrl = masterUrl == null || masterUrl.isBlank() ? null : masterUrl.strip();
        if (kubeconfig != null && masterUrl != null) {
            throw new IllegalArgumentException("set either " + KUBECONFIG.label() + " or " + MASTER_URL.label()
                    + ", not both");
        }
        if (masterUrl != null && !masterUrl.startsWith("http://") && !masterUrl.startsWith("https://")) {
            throw new IllegalArgumentException(MASTER_URL.label() + " must start with http:// or https://, was '"
                    + masterUrl + "'");
        }
        namespaces = List.copyOf(namespaces == null ? List.of() : namespaces);
        for (String ns : namespaces) {
            if (!DNS_LABEL.matcher(ns).matches()) {
                throw new IllegalArgumentException(NAMESPACES.label() + " has an invalid namespace '" + ns
                        + "' (lower-case letters, digits and '-', at most 63)");
            }
        }
        podLabelKeys = Set.copyOf(podLabelKeys == null ? Set.of() : podLabelKeys);
        positive(filesPollInterval, FILES_POLL_INTERVAL);
        positive(scrapeInterval, SCRAPE_INTERVAL);
        positive(scrapeTimeout, SCRAPE_TIMEOUT);
        positive(maxBackoff, MAX_BACKOFF);
        if (maxBackoff.compareTo(scrapeInterval) < 0) {
            throw new IllegalArgumentException("scrape.max-backoff (" + Durations.format(maxBackoff)
                    + ") must not be shorter than scrape.interval (" + Durations.format(scrapeInterval) + ")");
        }
        if (httpHost == null || httpHost.isBlank()) {
            throw new IllegalArgumentException(HTTP_HOST.label() + " is required");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException(HTTP_PORT.label() + " must be 0-65535, was " + httpPort);
        }
        if (leaderElection && SOURCE_FILES.equals(source)) {
            throw new IllegalArgumentException(LEADER_ELECTION.label() + " needs source 'kubernetes' (the Lease lives "
                    + "in the cluster); run a single replica in files mode");
        }
        if (leaseNamespace == null || !DNS_LABEL.matcher(leaseNamespace).matches()) {
            throw new IllegalArgumentException(LEASE_NAMESPACE.label() + " must be a namespace name, was '"
                    + leaseNamespace + "'");
        }
        if (leaseName == null || !DNS_SUBDOMAIN.matcher(leaseName).matches()) {
            throw new IllegalArgumentException(LEASE_NAME.label() + " must be a DNS name, was '" + leaseName + "'");
        }
        positive(leaseDuration, LEASE_DURATION);
        positive(renewDeadline, RENEW_DEADLINE);
        positive(retryPeriod, RETRY_PERIOD);
        if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
            throw new IllegalArgumentException("leader election needs retry-period < renew-deadline < lease-duration, "
                    + "was " + Durations.format(retryPeriod) + " / " + Durations.format(renewDeadline) + " / "
                    + Durations.format(leaseDuration));
        }
        if (identity == null || identity.isBlank()) {
            throw new IllegalArgumentException(IDENTITY.label() + " is required");
        }
        positive(syncTimeout, SYNC_TIMEOUT);
        positive(resync, RESYNC);
        if (replicationFactor < 1) {
            throw new IllegalArgumentException(REPLICATION_FACTOR.label() + " must be >= 1, was " + replicationFactor);
        }
        Objects.requireNonNull(kvEvents, "kvEvents");
    }

    /** Reads every setting from {@code c}; what is unset takes the default declared beside it. */
    public static IngestorConfig from(Config c) {
        return new IngestorConfig(BOOTSTRAP_SERVERS.from(c), SOURCE.from(c), KUBECONFIG.from(c), MASTER_URL.from(c),
                NAMESPACES.from(c), FILES_DIR.from(c), FILES_POLL_INTERVAL.from(c), Set.copyOf(POD_LABEL_KEYS.from(c)),
                SCRAPE_INTERVAL.from(c), SCRAPE_TIMEOUT.from(c), MAX_BACKOFF.from(c), HTTP_HOST.from(c),
                HTTP_PORT.from(c), LEADER_ELECTION.from(c), LEASE_NAMESPACE.from(c), LEASE_NAME.from(c),
                LEASE_DURATION.from(c), RENEW_DEADLINE.from(c), RETRY_PERIOD.from(c), IDENTITY.from(c),
                SYNC_TIMEOUT.from(c), RESYNC.from(c), replicationFactor(c), KvSubscriberConfig.from(c));
    }

    /** Builds the configuration from config keys (as in the YAML file, dotted), defaults for the rest. */
    public static IngestorConfig of(Map<String, String> keys) {
        return from(Settings.fromKeys(keys));
    }

    public boolean filesMode() {
        return SOURCE_FILES.equals(source);
    }

    /** Whether a resource belongs to the namespaces this ingestor owns. */
    public boolean owns(ResourceKey key) {
        return namespaces.isEmpty() || namespaces.contains(key.namespace());
    }

    private static short replicationFactor(Config c) {
        int factor = REPLICATION_FACTOR.from(c);
        if (factor > Short.MAX_VALUE) {
            throw new IllegalArgumentException(REPLICATION_FACTOR.label() + " is out of range, was " + factor);
        }
        return (short) factor;
    }

    private static void positive(Duration d, Setting<Duration> setting) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(setting.label() + " must be a positive duration, was " + d);
        }
    }
}
