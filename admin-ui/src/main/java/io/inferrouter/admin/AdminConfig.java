package io.inferrouter.admin;

import io.helidon.config.Config;
import io.inferrouter.support.Setting;
import io.inferrouter.support.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Configuration of admin-ui, from a YAML file (optional) with environment variables on top. Each
 * setting is declared below, in the order of the components; {@link #SETTINGS} renders the
 * README's table from them.
 *
 * @param bootstrapServers  Kafka, for the decisions topic and the replay topic
 * @param routingStreamUrl  routing-stream's query API, where pools, endpoints and models are read
 * @param httpHost          host the UI and its API bind to
 * @param httpPort          port of the UI (0 picks a free one)
 * @param kubernetes        whether edits go to a Kubernetes API; off means the UI is read-only
 * @param kubeconfig        kubeconfig file for edits; null means fabric8's default (in-cluster, then ~/.kube/config)
 * @param masterUrl         API server URL instead of a kubeconfig (no credentials); null when unset
 * @param recentDecisions   decisions kept in memory for the live view
 * @param replayMaxRecords  most decisions one window read or replay copies
 * @param queryTimeout      timeout of one call to routing-stream or the Kubernetes API
 * @param replicationFactor replication factor of catalogue topics it creates at start
 */
public record AdminConfig(String bootstrapServers, URI routingStreamUrl, String httpHost, int httpPort,
                          boolean kubernetes, Path kubeconfig, String masterUrl, int recentDecisions,
                          int replayMaxRecords, Duration queryTimeout, short replicationFactor) {

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("kafka.bootstrap-servers",
            "ROUTER_BOOTSTRAP_SERVERS", "127.0.0.1:9092", "Kafka, for the decisions topic and the replay topic");
    public static final Setting<String> ROUTING_STREAM_URL = Setting.text("routing-stream.url",
            "ADMIN_ROUTING_STREAM_URL", "http://127.0.0.1:8082",
            "routing-stream's query API, where pools, endpoints and models are read");
    public static final Setting<String> HTTP_HOST = Setting.text("http.host", "ADMIN_HTTP_HOST", "127.0.0.1",
            "host the UI and its API bind to");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("http.port", "ADMIN_HTTP_PORT", 8081,
            "port of the UI and its API (0 picks a free one)");
    public static final Setting<Boolean> KUBERNETES = Setting.flag("kubernetes.enabled", "ADMIN_KUBERNETES", true,
            "edits go to the Kubernetes API; false: a read-only UI");
    public static final Setting<Path> KUBECONFIG = Setting.path("kubernetes.kubeconfig", "ADMIN_KUBECONFIG", null,
            "kubeconfig file for edits; unset: fabric8's default (`KUBECONFIG` or `~/.kube/config`, then the"
                    + " in-cluster ServiceAccount)");
    public static final Setting<String> MASTER_URL = Setting.text("kubernetes.master-url", "ADMIN_MASTER_URL", null,
            "API server URL instead of a kubeconfig (no credentials); wins over the kubeconfig");
    public static final Setting<Integer> RECENT_DECISIONS = Setting.integer("decisions.recent",
            "ADMIN_RECENT_DECISIONS", 1000, "decisions kept in memory for the live view (1-1000000)");
    public static final Setting<Integer> REPLAY_MAX_RECORDS = Setting.integer("decisions.replay-max-records",
            "ADMIN_REPLAY_MAX_RECORDS", 10_000, "most decisions one window read or replay copies (1-1000000)");
    public static final Setting<Duration> QUERY_TIMEOUT = Setting.duration("query-timeout", "ADMIN_QUERY_TIMEOUT",
            Duration.ofSeconds(5), "timeout of each call to routing-stream and to the Kubernetes API (500ms, 5s, or"
                    + " ISO-8601 such as PT5S)");
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer("replication-factor",
            "ADMIN_REPLICATION_FACTOR", 1,
            "replication factor of the topics it creates at start (3 in `deploy/base/router.env`)");

    /** Every setting of admin-ui, in the order of the README's table. */
    public static final Settings SETTINGS = Settings.of("admin-ui", BOOTSTRAP_SERVERS, ROUTING_STREAM_URL, HTTP_HOST,
            HTTP_PORT, KUBERNETES, KUBECONFIG, MASTER_URL, RECENT_DECISIONS, REPLAY_MAX_RECORDS, QUERY_TIMEOUT,
            REPLICATION_FACTOR);

    public AdminConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(BOOTSTRAP_SERVERS.label() + " is required");
        }
        if (routingStreamUrl == null || routingStreamUrl.getHost() == null || routingStreamUrl.getScheme() == null
                || !(routingStreamUrl.getScheme().equals("http") || routingStreamUrl.getScheme().equals("https"))) {
            throw new IllegalArgumentException(ROUTING_STREAM_URL.label() + " must be an http(s) URL, was "
                    + routingStreamUrl);
        }
        if (httpHost == null || httpHost.isBlank()) {
            throw new IllegalArgumentException(HTTP_HOST.label() + " is required");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException(HTTP_PORT.label() + " must be 0-65535, was " + httpPort);
        }
        if (recentDecisions < 1 || recentDecisions > 1_000_000) {
            throw new IllegalArgumentException(RECENT_DECISIONS.label() + " must be 1-1000000, was "
                    + recentDecisions);
        }
        if (replayMaxRecords < 1 || replayMaxRecords > 1_000_000) {
            throw new IllegalArgumentException(REPLAY_MAX_RECORDS.label() + " must be 1-1000000, was "
                    + replayMaxRecords);
        }
        if (queryTimeout == null || queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException(QUERY_TIMEOUT.label() + " must be a positive duration, was "
                    + queryTimeout);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException(REPLICATION_FACTOR.label() + " must be >= 1, was " + replicationFactor);
        }
        if (masterUrl != null && masterUrl.isBlank()) {
            masterUrl = null;
        }
    }

    public static AdminConfig from(Config c) {
        return new AdminConfig(
                BOOTSTRAP_SERVERS.from(c),
                uri(ROUTING_STREAM_URL.from(c)),
                HTTP_HOST.from(c),
                HTTP_PORT.from(c),
                KUBERNETES.from(c),
                KUBECONFIG.from(c),
                MASTER_URL.from(c),
                RECENT_DECISIONS.from(c),
                REPLAY_MAX_RECORDS.from(c),
                QUERY_TIMEOUT.from(c),
                replicationFactor(REPLICATION_FACTOR.from(c)));
    }

    private static URI uri(String text) {
        try {
            return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ROUTING_STREAM_URL.label() + " is not a URL: " + text, e);
        }
    }

    private static short replicationFactor(int value) {
        if (value < 1 || value > Short.MAX_VALUE) {
            throw new IllegalArgumentException(REPLICATION_FACTOR.label() + " must be 1-" + Short.MAX_VALUE + ", was "
                    + value);
        }
        return (short) value;
    }
}
