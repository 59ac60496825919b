package io.inferrouter.admin;

import io.helidon.config.Config;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of admin-ui, from a YAML file (optional) with environment variables on top.
 * Every option, its key, its variable and its default are listed in README.md.
 *
 * @param bootstrapServers  Kafka, for the decisions topic and the replay topic ({@code kafka.bootstrap-servers})
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

    /** Environment variables and the config keys they set. */
    public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("ROUTER_BOOTSTRAP_SERVERS", "kafka.bootstrap-servers"),
            Map.entry("ADMIN_ROUTING_STREAM_URL", "routing-stream.url"),
            Map.entry("ADMIN_HTTP_HOST", "http.host"),
            Map.entry("ADMIN_HTTP_PORT", "http.port"),
            Map.entry("ADMIN_KUBERNETES", "kubernetes.enabled"),
            Map.entry("ADMIN_KUBECONFIG", "kubernetes.kubeconfig"),
            Map.entry("ADMIN_MASTER_URL", "kubernetes.master-url"),
            Map.entry("ADMIN_RECENT_DECISIONS", "decisions.recent"),
            Map.entry("ADMIN_REPLAY_MAX_RECORDS", "decisions.replay-max-records"),
            Map.entry("ADMIN_QUERY_TIMEOUT", "query-timeout"),
            Map.entry("ADMIN_REPLICATION_FACTOR", "replication-factor"));

    public AdminConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrap-servers (ROUTER_BOOTSTRAP_SERVERS) is required");
        }
        if (routingStreamUrl == null || routingStreamUrl.getHost() == null
                || !(routingStreamUrl.getScheme().equals("http") || routingStreamUrl.getScheme().equals("https"))) {
            throw new IllegalArgumentException("routing-stream.url (ADMIN_ROUTING_STREAM_URL) must be an http(s) URL,"
                    + " was " + routingStreamUrl);
        }
        if (httpHost == null || httpHost.isBlank()) {
            throw new IllegalArgumentException("http.host (ADMIN_HTTP_HOST) is required");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("http.port (ADMIN_HTTP_PORT) must be 0-65535, was " + httpPort);
        }
        if (recentDecisions < 1 || recentDecisions > 1_000_000) {
            throw new IllegalArgumentException("decisions.recent (ADMIN_RECENT_DECISIONS) must be 1-1000000, was "
                    + recentDecisions);
        }
        if (replayMaxRecords < 1 || replayMaxRecords > 1_000_000) {
            throw new IllegalArgumentException("decisions.replay-max-records (ADMIN_REPLAY_MAX_RECORDS) must be"
                    + " 1-1000000, was " + replayMaxRecords);
        }
        if (queryTimeout == null || queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException("query-timeout (ADMIN_QUERY_TIMEOUT) must be a positive duration, was "
                    + queryTimeout);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication-factor (ADMIN_REPLICATION_FACTOR) must be >= 1, was "
                    + replicationFactor);
        }
        if (masterUrl != null && masterUrl.isBlank()) {
            masterUrl = null;
        }
    }

    public static AdminConfig from(Config c) {
        String kubeconfig = c.get("kubernetes.kubeconfig").asString().orElse(null);
        return new AdminConfig(
                c.get("kafka.bootstrap-servers").asString().orElse("127.0.0.1:9092"),
                uri(c.get("routing-stream.url").asString().orElse("http://127.0.0.1:8082")),
                c.get("http.host").asString().orElse("127.0.0.1"),
                c.get("http.port").asInt().orElse(8081),
                c.get("kubernetes.enabled").asBoolean().orElse(true),
                kubeconfig == null || kubeconfig.isBlank() ? null : Path.of(kubeconfig),
                c.get("kubernetes.master-url").asString().orElse(null),
                c.get("decisions.recent").asInt().orElse(1000),
                c.get("decisions.replay-max-records").asInt().orElse(10_000),
                duration(c.get("query-timeout").asString().orElse("PT5S"), "query-timeout"),
                (short) (int) c.get("replication-factor").asInt().orElse(1));
    }

    private static URI uri(String text) {
        try {
            return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("routing-stream.url (ADMIN_ROUTING_STREAM_URL) is not a URL: " + text, e);
        }
    }

    private static Duration duration(String text, String key) {
        try {
            return Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as PT5S, was '" + text + "'", e);
        }
    }
}
