package io.inferrouter.gateway.config;

import io.helidon.config.Config;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * gateway-node's configuration: a YAML file (optional) with environment variables on top. Every
 * option, its key, variable and default are in README.md.
 */
public record GatewayConfig(String bootstrapServers, String nodeId, String httpHost, int httpPort, int maxBodyBytes,
                            int maxResponseBytes, Duration connectTimeout, Duration readTimeout, int maxAttempts,
                            String defaultProfile, boolean allowProfileHeader, Map<String, ProfileConfig> profiles,
                            int saturationQueue, double saturationKvCache, Duration metricsStaleness,
                            int prefixMaxBlocks, int prefixCapacityPerEndpoint, Duration tableStaleness,
                            boolean decisionsEnabled, int decisionBuffer, int decisionMaxCandidates) {

    /** Environment variables and the config keys they set. */
    public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("ROUTER_BOOTSTRAP_SERVERS", "kafka.bootstrap-servers"),
            Map.entry("GATEWAY_NODE_ID", "node-id"),
            Map.entry("GATEWAY_HTTP_HOST", "http.host"),
            Map.entry("GATEWAY_HTTP_PORT", "http.port"),
            Map.entry("GATEWAY_MAX_BODY_BYTES", "max-body-bytes"),
            Map.entry("GATEWAY_CONNECT_TIMEOUT", "upstream.connect-timeout"),
            Map.entry("GATEWAY_READ_TIMEOUT", "upstream.read-timeout"),
            Map.entry("GATEWAY_MAX_ATTEMPTS", "upstream.max-attempts"),
            Map.entry("GATEWAY_SCHEDULER_PROFILE", "scheduler.profile"),
            Map.entry("GATEWAY_ALLOW_PROFILE_HEADER", "scheduler.allow-profile-header"),
            Map.entry("GATEWAY_SATURATION_QUEUE", "saturation.queue-threshold"),
            Map.entry("GATEWAY_SATURATION_KV_CACHE", "saturation.kv-cache-threshold"),
            Map.entry("GATEWAY_METRICS_STALENESS", "saturation.metrics-staleness"),
            Map.entry("GATEWAY_TABLE_STALENESS", "tables.staleness"),
            Map.entry("GATEWAY_DECISIONS_ENABLED", "decisions.enabled"));

    public GatewayConfig {
        require(bootstrapServers, "kafka.bootstrap-servers");
        require(nodeId, "node-id");
        require(httpHost, "http.host");
        range(httpPort, 0, 65535, "http.port");
        range(maxBodyBytes, 1, Integer.MAX_VALUE, "max-body-bytes");
        range(maxResponseBytes, 1, Integer.MAX_VALUE, "max-response-bytes");
        positive(connectTimeout, "upstream.connect-timeout");
        positive(readTimeout, "upstream.read-timeout");
        range(maxAttempts, 1, 10, "upstream.max-attempts");
        profiles = Map.copyOf(profiles);
        if (!profiles.containsKey(defaultProfile)) {
            throw new IllegalArgumentException("scheduler.profile '" + defaultProfile + "' is not a profile; known: "
                    + profiles.keySet());
        }
        range(saturationQueue, 1, Integer.MAX_VALUE, "saturation.queue-threshold");
        if (saturationKvCache <= 0 || saturationKvCache > 1) {
            throw new IllegalArgumentException("saturation.kv-cache-threshold must be in (0, 1], was " + saturationKvCache);
        }
        positive(metricsStaleness, "saturation.metrics-staleness");
        range(prefixMaxBlocks, 1, 100_000, "prefix.max-blocks");
        range(prefixCapacityPerEndpoint, 1, Integer.MAX_VALUE, "prefix.capacity-per-endpoint");
        positive(tableStaleness, "tables.staleness");
        range(decisionBuffer, 1, Integer.MAX_VALUE, "decisions.buffer-size");
        range(decisionMaxCandidates, 0, 100_000, "decisions.max-candidates");
    }

    public static GatewayConfig from(Config c) {
        Map<String, ProfileConfig> profiles = new LinkedHashMap<>(ProfileConfig.builtIn());
        Config configured = c.get("scheduler.profiles");
        if (configured.exists()) {
            for (Config p : configured.asNodeList().orElse(List.of())) {
                Map<String, Double> scorers = new LinkedHashMap<>();
                for (Config s : p.get("scorers").asNodeList().orElse(List.of())) {
                    scorers.put(s.name(), s.asDouble().orElseThrow(() -> new IllegalArgumentException(
                            "scheduler.profiles." + p.name() + ".scorers." + s.name() + " must be a number")));
                }
                profiles.put(p.name(), new ProfileConfig(p.name(), p.get("filters").asList(String.class).orElse(List.of()),
                        scorers, p.get("picker").asString().orElse("max-score")));
            }
        }
        return new GatewayConfig(
                c.get("kafka.bootstrap-servers").asString().orElse("127.0.0.1:9092"),
                c.get("node-id").asString().orElse("gateway-" + ProcessHandle.current().pid()),
                c.get("http.host").asString().orElse("127.0.0.1"),
                c.get("http.port").asInt().orElse(8080),
                c.get("max-body-bytes").asInt().orElse(8 * 1024 * 1024),
                c.get("max-response-bytes").asInt().orElse(64 * 1024 * 1024),
                c.get("upstream.connect-timeout").as(Duration.class).orElse(Duration.ofSeconds(1)),
                c.get("upstream.read-timeout").as(Duration.class).orElse(Duration.ofMinutes(5)),
                c.get("upstream.max-attempts").asInt().orElse(2),
                c.get("scheduler.profile").asString().orElse("default"),
                c.get("scheduler.allow-profile-header").asBoolean().orElse(false),
                profiles,
                c.get("saturation.queue-threshold").asInt().orElse(5),
                c.get("saturation.kv-cache-threshold").asDouble().orElse(0.8),
                c.get("saturation.metrics-staleness").as(Duration.class).orElse(Duration.ofMillis(200)),
                c.get("prefix.max-blocks").asInt().orElse(256),
                c.get("prefix.capacity-per-endpoint").asInt().orElse(31_250),
                c.get("tables.staleness").as(Duration.class).orElse(Duration.ofSeconds(10)),
                c.get("decisions.enabled").asBoolean().orElse(true),
                c.get("decisions.buffer-size").asInt().orElse(10_000),
                c.get("decisions.max-candidates").asInt().orElse(32));
    }

    private static void require(String v, String key) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
    }

    private static void range(long v, long min, long max, String key) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + " must be " + min + "-" + max + ", was " + v);
        }
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration (e.g. PT0.2S), was " + d);
        }
    }
}
