package io.inferrouter.ingestor;

import static io.inferrouter.ingestor.IngestorConfig.SETTINGS;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.ingestor.kv.KvSubscriberConfig;
import io.inferrouter.support.Durations;
import io.inferrouter.support.ReadmeSection;
import io.inferrouter.support.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the code's, every variable is read, and the defaults are the table's. */
class ConfigTableTest {

    @Test
    void theReadmeTableIsTheGeneratedOne() throws Exception {
        assertThat(ReadmeSection.read(Path.of("..", "README.md"), SETTINGS.marker())).isEqualTo(SETTINGS.markdown());
    }

    @Test
    void everyEnvironmentVariableIsHonoured() {
        // given every variable but the kubeconfig (it excludes the master URL), each off its default
        Map<String, String> env = Map.ofEntries(Map.entry("ROUTER_BOOTSTRAP_SERVERS", "kafka:9093"),
                Map.entry("INGESTOR_SOURCE", "kubernetes"), Map.entry("INGESTOR_MASTER_URL", "https://api:6443"),
                Map.entry("INGESTOR_NAMESPACES", "llm,batch"), Map.entry("INGESTOR_FILES_DIR", "/manifests"),
                Map.entry("INGESTOR_FILES_POLL_INTERVAL", "3s"), Map.entry("INGESTOR_POD_LABEL_KEYS", "serve"),
                Map.entry("INGESTOR_SCRAPE_INTERVAL", "40ms"), Map.entry("INGESTOR_SCRAPE_TIMEOUT", "300ms"),
                Map.entry("INGESTOR_SCRAPE_MAX_BACKOFF", "7s"), Map.entry("INGESTOR_HTTP_HOST", "0.0.0.0"),
                Map.entry("INGESTOR_HTTP_PORT", "9093"), Map.entry("INGESTOR_LEADER_ELECTION", "true"),
                Map.entry("INGESTOR_LEASE_NAMESPACE", "infra"), Map.entry("INGESTOR_LEASE_NAME", "ingest"),
                Map.entry("INGESTOR_LEASE_DURATION", "20s"), Map.entry("INGESTOR_RENEW_DEADLINE", "12s"),
                Map.entry("INGESTOR_RETRY_PERIOD", "3s"), Map.entry("INGESTOR_IDENTITY", "replica-7"),
                Map.entry("INGESTOR_SYNC_TIMEOUT", "90s"), Map.entry("INGESTOR_RESYNC", "15m"),
                Map.entry("INGESTOR_REPLICATION_FACTOR", "3"), Map.entry("INGESTOR_KV_EVENTS", "false"),
                Map.entry("INGESTOR_KV_EVENTS_PORT", "6557"), Map.entry("INGESTOR_KV_EVENTS_REPLAY_PORT", "0"),
                Map.entry("INGESTOR_KV_SNAPSHOT_INTERVAL", "2m"), Map.entry("INGESTOR_KV_REPLAY_TIMEOUT", "500ms"),
                Map.entry("INGESTOR_KV_REPLAY_ATTEMPTS", "5"));
        Map<String, String> kubeconfig = Map.of("INGESTOR_KUBECONFIG", "/etc/kube/config");

        // when the configuration is loaded from them
        IngestorConfig c = IngestorConfig.from(SETTINGS.load(List.of(), env));
        IngestorConfig k = IngestorConfig.from(SETTINGS.load(List.of(), kubeconfig));

        // then each one is read
        Set<String> covered = new HashSet<>(env.keySet());
        covered.addAll(kubeconfig.keySet());
        assertThat(covered).isEqualTo(SETTINGS.environment().keySet());
        assertThat(c).isEqualTo(new IngestorConfig("kafka:9093", "kubernetes", null, "https://api:6443",
                List.of("llm", "batch"), Path.of("/manifests"), Duration.ofSeconds(3), Set.of("serve"),
                Duration.ofMillis(40), Duration.ofMillis(300), Duration.ofSeconds(7), "0.0.0.0", 9093, true, "infra",
                "ingest", Duration.ofSeconds(20), Duration.ofSeconds(12), Duration.ofSeconds(3), "replica-7",
                Duration.ofSeconds(90), Duration.ofMinutes(15), (short) 3, new KvSubscriberConfig(false, 6557, 0,
                Duration.ofMinutes(2), Duration.ofMillis(500), 5)));
        assertThat(k.kubeconfig()).isEqualTo(Path.of("/etc/kube/config"));
    }

    @Test
    void defaultsAreWhatTheTableShows() {
        IngestorConfig c = IngestorConfig.of(Map.of());
        Map<Setting<?>, Object> values = Map.ofEntries(Map.entry(IngestorConfig.BOOTSTRAP_SERVERS, c.bootstrapServers()),
                Map.entry(IngestorConfig.SOURCE, c.source()), Map.entry(IngestorConfig.KUBECONFIG, shown(c.kubeconfig())),
                Map.entry(IngestorConfig.MASTER_URL, shown(c.masterUrl())),
                Map.entry(IngestorConfig.NAMESPACES, shown(c.namespaces())),
                Map.entry(IngestorConfig.FILES_DIR, shown(c.filesDir())),
                Map.entry(IngestorConfig.FILES_POLL_INTERVAL, shown(c.filesPollInterval())),
                Map.entry(IngestorConfig.POD_LABEL_KEYS, shown(c.podLabelKeys())),
                Map.entry(IngestorConfig.SCRAPE_INTERVAL, shown(c.scrapeInterval())),
                Map.entry(IngestorConfig.SCRAPE_TIMEOUT, shown(c.scrapeTimeout())),
                Map.entry(IngestorConfig.MAX_BACKOFF, shown(c.maxBackoff())),
                Map.entry(IngestorConfig.HTTP_HOST, c.httpHost()), Map.entry(IngestorConfig.HTTP_PORT, shown(c.httpPort())),
                Map.entry(IngestorConfig.LEADER_ELECTION, shown(c.leaderElection())),
                Map.entry(IngestorConfig.LEASE_NAMESPACE, c.leaseNamespace()),
                Map.entry(IngestorConfig.LEASE_NAME, c.leaseName()),
                Map.entry(IngestorConfig.LEASE_DURATION, shown(c.leaseDuration())),
                Map.entry(IngestorConfig.RENEW_DEADLINE, shown(c.renewDeadline())),
                Map.entry(IngestorConfig.RETRY_PERIOD, shown(c.retryPeriod())),
                Map.entry(IngestorConfig.SYNC_TIMEOUT, shown(c.syncTimeout())),
                Map.entry(IngestorConfig.RESYNC, shown(c.resync())),
                Map.entry(IngestorConfig.REPLICATION_FACTOR, shown(c.replicationFactor())),
                Map.entry(KvSubscriberConfig.ENABLED, shown(c.kvEvents().enabled())),
                Map.entry(KvSubscriberConfig.PORT, shown(c.kvEvents().port())),
                Map.entry(KvSubscriberConfig.REPLAY_PORT, shown(c.kvEvents().replayPort())),
                Map.entry(KvSubscriberConfig.SNAPSHOT_INTERVAL, shown(c.kvEvents().snapshotInterval())),
                Map.entry(KvSubscriberConfig.REPLAY_TIMEOUT, shown(c.kvEvents().replayTimeout())),
                Map.entry(KvSubscriberConfig.REPLAY_ATTEMPTS, shown(c.kvEvents().replayAttempts())));
        assertThat(values.keySet()).as("every setting but the computed identity")
                .containsExactlyInAnyOrderElementsOf(SETTINGS.all().stream()
                        .filter(s -> s != IngestorConfig.IDENTITY).toList());
        values.forEach((setting, value) -> assertThat(setting.shown()).as(setting.label()).isEqualTo(value));
        assertThat(IngestorConfig.IDENTITY.shown()).isEqualTo("$HOSTNAME (a pod's name), else state-ingestor-<host>-<pid>");
        assertThat(c.identity()).isEqualTo(io.inferrouter.support.InstanceNames.podOr("state-ingestor"));
    }

    /** A value as the table writes it. */
    private static String shown(Object value) {
        if (value == null) {
            return "(none)";
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof Collection<?> items && items.isEmpty()) {
            return "(empty)";
        }
        return value.toString();
    }
}
