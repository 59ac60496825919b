package io.inferrouter.gateway.config;

import io.helidon.config.Config;
import io.inferrouter.gateway.tokens.Tokenizers;
import io.inferrouter.support.InstanceNames;
import io.inferrouter.support.Setting;
import io.inferrouter.support.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * gateway-node's configuration: a YAML file (optional) with environment variables on top. Each
 * setting is declared once below, beside the component it fills; {@link #SETTINGS} renders the
 * README's table from them. The scheduler profiles ({@code scheduler.profiles.<name>}) are a
 * structured list and are read from the file only.
 */
public record GatewayConfig(String bootstrapServers, String nodeId, String httpHost, int httpPort,
                            ClientLimits clientLimits, int maxBodyBytes, int maxResponseBytes, UpstreamLimits upstream,
                            String defaultProfile, boolean allowProfileHeader, Map<String, ProfileConfig> profiles,
                            int saturationQueue, double saturationKvCache, Duration metricsStaleness,
                            int prefixMaxBlocks, int prefixCapacityPerEndpoint, PrecisePrefix precisePrefix,
                            Duration tableStaleness, Peers peers, boolean decisionsEnabled, int decisionBuffer,
                            int decisionMaxCandidates) {

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("kafka.bootstrap-servers",
            "ROUTER_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
            "Kafka bootstrap servers: the table topics are read there, decisions written there");
    public static final Setting<String> NODE_ID = Setting.text("node-id", "GATEWAY_NODE_ID", null,
                    "This replica's name, unique among the replicas and kept across its restarts: decision events "
                            + "(`source` is `gateway:<node-id>`) and `gateway.peers` (replicas sharing a name do not share "
                            + "their in-flight requests)")
            .computedDefault(() -> InstanceNames.podOr("gateway"), "$HOSTNAME (a pod's name), else gateway-<host>-<pid>");
    public static final Setting<String> HTTP_HOST = Setting.text("http.host", "GATEWAY_HTTP_HOST", "127.0.0.1",
            "Address the OpenAI-compatible API listens on");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("http.port", "GATEWAY_HTTP_PORT", 8080,
            "Port of the API, `/health`, `/ready` and `/metrics` (0: any free port)");
    public static final Setting<Integer> HTTP_MAX_HEADER_BYTES = Setting.integer("http.max-header-bytes",
            "GATEWAY_HTTP_MAX_HEADER_BYTES", 16 * 1024, "Largest request header section accepted; a larger one "
                    + "gets 431 (the request line has its own 4 KiB, then 414). 16 KiB, Helidon's default, holds "
                    + "long bearer tokens and tracing headers and twice nginx's 8 KiB line buffer (1024-1048576)");
    public static final Setting<Duration> HTTP_READ_TIMEOUT = Setting.duration("http.read-timeout",
            "GATEWAY_HTTP_READ_TIMEOUT", Duration.ofSeconds(30), "Longest a client may take to send a request "
                    + "head, from its first byte, and to make progress on its body, each read; slower ones are "
                    + "disconnected. A new or idle keep-alive connection waits as long for a head. Never applies "
                    + "while the gateway writes, so long streams are unaffected. Half nginx's 60 s: real clients "
                    + "send a head in milliseconds (upstream reads: `upstream.read-timeout`)");
    public static final Setting<Integer> HTTP_MAX_CONNECTIONS = Setting.integer("http.max-connections",
            "GATEWAY_HTTP_MAX_CONNECTIONS", 10_000, "Client connections open at once, probes included; one more "
                    + "is answered 503 with `Retry-After` and closed. 10,000 plus an upstream connection per "
                    + "request in flight stays well inside common file-descriptor limits (65,536 and up)");
    public static final Setting<Integer> HTTP_MAX_IN_FLIGHT = Setting.integer("http.max-in-flight",
            "GATEWAY_HTTP_MAX_IN_FLIGHT", 4_096, "Requests handled at once, a stream until its end; one more "
                    + "gets 503 with `Retry-After`. `/health`, `/ready` and `/metrics` never count and are never "
                    + "refused. Each request holds its body and an upstream connection; 4,096 is 16 model servers "
                    + "at vLLM's default of 256 running sequences");
    public static final Setting<Duration> HTTP_RETRY_AFTER = Setting.duration("http.retry-after",
            "GATEWAY_HTTP_RETRY_AFTER", Duration.ofSeconds(1), "`Retry-After` of the 503s for "
                    + "`http.max-connections` and `http.max-in-flight`, in whole seconds (rounded up)");
    public static final Setting<Integer> MAX_BODY_BYTES = Setting.integer("max-body-bytes", "GATEWAY_MAX_BODY_BYTES",
            8 * 1024 * 1024, "Largest request body accepted; larger ones get 413");
    public static final Setting<Integer> MAX_RESPONSE_BYTES = Setting.integer("max-response-bytes",
            "GATEWAY_MAX_RESPONSE_BYTES", 64 * 1024 * 1024,
            "Largest non-streamed response body relayed from a model server");
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("upstream.connect-timeout",
            "GATEWAY_CONNECT_TIMEOUT", Duration.ofSeconds(1), "Time to connect to a model server");
    public static final Setting<Duration> READ_TIMEOUT = Setting.duration("upstream.read-timeout",
            "GATEWAY_READ_TIMEOUT", Duration.ofMinutes(5), "Every socket read, including the wait for response "
                    + "headers, so it is also the first-byte timeout; a timeout before the first byte is retried on "
                    + "the next endpoint, then 504");
    public static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("upstream.max-attempts",
            "GATEWAY_MAX_ATTEMPTS", 2, "Endpoints tried per request when one fails before its first byte (1-10)");
    public static final Setting<Duration> UPSTREAM_IDLE_TIMEOUT = Setting.duration("upstream.idle-timeout",
            "GATEWAY_UPSTREAM_IDLE_TIMEOUT", Duration.ofSeconds(4), "How long an idle keep-alive connection to a "
                    + "model server is kept for reuse; keep it below the servers' own keep-alive (vLLM's is 5 s)");
    public static final Setting<Integer> UPSTREAM_MAX_IDLE = Setting.integer("upstream.max-idle-per-endpoint",
            "GATEWAY_UPSTREAM_MAX_IDLE", 256, "Idle keep-alive connections kept per model server (0 closes each "
                    + "after its request)");
    public static final Setting<String> PROFILE = Setting.text("scheduler.profile", "GATEWAY_SCHEDULER_PROFILE",
            "default", "The scheduler profile requests use: a built-in one or one defined under "
                    + "`scheduler.profiles.<name>` (filters, weighted scorers, picker); profiles are a structured "
                    + "list and can be defined in the config file only");
    public static final Setting<Boolean> ALLOW_PROFILE_HEADER = Setting.flag("scheduler.allow-profile-header",
            "GATEWAY_ALLOW_PROFILE_HEADER", false,
            "When true, `x-gateway-scheduler-profile` picks a profile per request (the benchmarks use it)");
    public static final Setting<Integer> SATURATION_QUEUE = Setting.integer("saturation.queue-threshold",
            "GATEWAY_SATURATION_QUEUE", 5, "A pool is saturated (sheddable requests get 429) when no endpoint "
                    + "with fresh metrics has a queue below this and KV-cache usage below "
                    + "`saturation.kv-cache-threshold`");
    public static final Setting<Double> SATURATION_KV_CACHE = Setting.decimal("saturation.kv-cache-threshold",
            "GATEWAY_SATURATION_KV_CACHE", 0.8, "KV-cache usage, in (0, 1], at which an endpoint counts as full "
                    + "for saturation");
    public static final Setting<Duration> METRICS_STALENESS = Setting.duration("saturation.metrics-staleness",
            "GATEWAY_METRICS_STALENESS", Duration.ofMillis(200),
            "Endpoints with metrics older than this are not scored and rank last while others are fresh (when "
                    + "none is, all are scored on their last metrics plus this gateway's in-flight requests since)");
    public static final Setting<Integer> PREFIX_MAX_BLOCKS = Setting.integer("prefix.max-blocks",
            "GATEWAY_PREFIX_MAX_BLOCKS", 256, "Leading prompt blocks hashed for prefix affinity (1-100000)");
    public static final Setting<Integer> PREFIX_CAPACITY_PER_ENDPOINT = Setting.integer(
            "prefix.capacity-per-endpoint", "GATEWAY_PREFIX_CAPACITY_PER_ENDPOINT", 31_250,
            "Blocks each endpoint is assumed to keep, LRU (31,250 x 16 tokens = 500k tokens)");
    public static final Setting<String> DEFAULT_TOKENIZER = Setting.text("tokenizers.default",
            "GATEWAY_DEFAULT_TOKENIZER", "none", "Tokenizer of the models `tokenizers.models` does not name: "
                    + "`none` (the precise prefix scorer falls back to the approximate one), `sim` (model-sim's) or "
                    + "`hf:<path>` (a Hugging Face tokenizer.json on local disk, read at start, never downloaded); "
                    + "per-model tokenizers are a structured list and can be set in the config file only");
    public static final Setting<Integer> PRECISE_MAX_TOKENS = Setting.integer("precise-prefix.max-tokens",
            "GATEWAY_PRECISE_PREFIX_MAX_TOKENS", 16_384, "Leading prompt tokens the precise prefix scorer "
                    + "tokenizes and hashes (1024 blocks of 16); longer shared prefixes score as equal (16-1000000)");
    public static final Setting<String> PRECISE_HASH_SEED = Setting.text("precise-prefix.hash-seed",
            "GATEWAY_PRECISE_PREFIX_HASH_SEED", "0", "The model servers' `PYTHONHASHSEED`, the root of vLLM's "
                    + "block hashes (`--prefix-caching-hash-algo sha256_cbor`); model-sim uses 0");
    public static final Setting<Integer> KV_INDEX_MAX_BLOCKS = Setting.integer("kv-index.max-blocks-per-endpoint",
            "GATEWAY_KV_INDEX_MAX_BLOCKS", 131_072, "Blocks the KV-event index keeps per endpoint, the oldest "
                    + "stored dropped first (about 50 bytes each; vLLM reports its own evictions, so this only "
                    + "bounds memory; 131,072 x 16 tokens = 2M tokens, above an H100's KV cache)");
    public static final Setting<Duration> TABLE_STALENESS = Setting.duration("tables.staleness",
            "GATEWAY_TABLE_STALENESS", Duration.ofSeconds(10),
            "Without Kafka contact for this long, FailOpen pools get a random order and FailClose pools 503");
    public static final Setting<Boolean> PEERS_ENABLED = Setting.flag("peers.enabled", "GATEWAY_PEERS_ENABLED", true,
            "Share what this replica learns (prompts served per endpoint, in-flight requests) with the other replicas"
                    + " through `gateway.peers`, apply theirs, and rebuild the prefix index from it at start");
    public static final Setting<Duration> PEERS_PUBLISH_INTERVAL = Setting.duration("peers.publish-interval",
            "GATEWAY_PEERS_PUBLISH_INTERVAL", Duration.ofMillis(10), "Shortest time between two reports of this "
                    + "replica; the first prompt after an idle spell is reported at once (1 ms-1 s)");
    public static final Setting<Duration> PEERS_TIMEOUT = Setting.duration("peers.timeout", "GATEWAY_PEERS_TIMEOUT",
            Duration.ofSeconds(3), "A replica not heard from this long drops out of the in-flight sums; each "
                    + "reports at least every third of it (a heartbeat)");
    public static final Setting<Duration> PEERS_RECOVERY_WINDOW = Setting.duration("peers.recovery-window",
            "GATEWAY_PEERS_RECOVERY_WINDOW", Duration.ofMinutes(10), "How far back in `gateway.peers` a starting "
                    + "replica reads to rebuild its prefix index before it is ready (at most the topic's 30 minutes)");
    public static final Setting<Integer> PEERS_RECOVERY_MAX_RECORDS = Setting.integer("peers.recovery-max-records",
            "GATEWAY_PEERS_RECOVERY_MAX_RECORDS", 20_000, "And at most this many reports per partition of "
                    + "`gateway.peers` (each up to 128 prompts), bounding the work before ready");
    public static final Setting<Boolean> DECISIONS_ENABLED = Setting.flag("decisions.enabled",
            "GATEWAY_DECISIONS_ENABLED", true, "Write one routing decision per request to the `decisions` topic");
    public static final Setting<Integer> DECISIONS_BUFFER_SIZE = Setting.integer("decisions.buffer-size",
            "GATEWAY_DECISIONS_BUFFER_SIZE", 10_000,
            "Decisions waiting for Kafka before new ones are dropped and counted");
    public static final Setting<Integer> DECISIONS_MAX_CANDIDATES = Setting.integer("decisions.max-candidates",
            "GATEWAY_DECISIONS_MAX_CANDIDATES", 32, "Best-ranked candidates kept per decision event (0-100000)");

    public static final Settings SETTINGS = Settings.of("gateway-node", BOOTSTRAP_SERVERS, NODE_ID, HTTP_HOST,
            HTTP_PORT, HTTP_MAX_HEADER_BYTES, HTTP_READ_TIMEOUT, HTTP_MAX_CONNECTIONS, HTTP_MAX_IN_FLIGHT,
            HTTP_RETRY_AFTER, MAX_BODY_BYTES, MAX_RESPONSE_BYTES, CONNECT_TIMEOUT, READ_TIMEOUT, MAX_ATTEMPTS,
            UPSTREAM_IDLE_TIMEOUT, UPSTREAM_MAX_IDLE, PROFILE,
            ALLOW_PROFILE_HEADER, SATURATION_QUEUE, SATURATION_KV_CACHE, METRICS_STALENESS, PREFIX_MAX_BLOCKS,
            PREFIX_CAPACITY_PER_ENDPOINT, DEFAULT_TOKENIZER, PRECISE_MAX_TOKENS, PRECISE_HASH_SEED,
            KV_INDEX_MAX_BLOCKS, TABLE_STALENESS, PEERS_ENABLED, PEERS_PUBLISH_INTERVAL, PEERS_TIMEOUT,
            PEERS_RECOVERY_WINDOW, PEERS_RECOVERY_MAX_RECORDS, DECISIONS_ENABLED, DECISIONS_BUFFER_SIZE,
            DECISIONS_MAX_CANDIDATES);

    /** The file-only key of the scheduler profiles. */
    private static final String PROFILES_KEY = "scheduler.profiles";
    /** The file-only key of the per-model tokenizers: a list of {@code {model, tokenizer}}. */
    private static final String TOKENIZERS_KEY = "tokenizers.models";

    public GatewayConfig {
        require(bootstrapServers, BOOTSTRAP_SERVERS);
        require(nodeId, NODE_ID);
        require(httpHost, HTTP_HOST);
        range(httpPort, 0, 65535, HTTP_PORT);
        Objects.requireNonNull(clientLimits, "clientLimits");
        range(maxBodyBytes, 1, Integer.MAX_VALUE, MAX_BODY_BYTES);
        range(maxResponseBytes, 1, Integer.MAX_VALUE, MAX_RESPONSE_BYTES);
        Objects.requireNonNull(upstream, "upstream");
        profiles = Map.copyOf(profiles);
        if (!profiles.containsKey(defaultProfile)) {
            throw new IllegalArgumentException("scheduler.profile '" + defaultProfile + "' is not a profile ("
                    + PROFILE.env() + " or the config file); known: " + profiles.keySet());
        }
        range(saturationQueue, 1, Integer.MAX_VALUE, SATURATION_QUEUE);
        if (saturationKvCache <= 0 || saturationKvCache > 1) {
            throw new IllegalArgumentException(SATURATION_KV_CACHE.label() + " must be in (0, 1], was "
                    + saturationKvCache);
        }
        positive(metricsStaleness, METRICS_STALENESS);
        range(prefixMaxBlocks, 1, 100_000, PREFIX_MAX_BLOCKS);
        range(prefixCapacityPerEndpoint, 1, Integer.MAX_VALUE, PREFIX_CAPACITY_PER_ENDPOINT);
        Objects.requireNonNull(precisePrefix, "precisePrefix");
        positive(tableStaleness, TABLE_STALENESS);
        Objects.requireNonNull(peers, "peers");
        range(decisionBuffer, 1, Integer.MAX_VALUE, DECISIONS_BUFFER_SIZE);
        range(decisionMaxCandidates, 0, 100_000, DECISIONS_MAX_CANDIDATES);
    }

    public static GatewayConfig from(Config c) {
        return new GatewayConfig(BOOTSTRAP_SERVERS.from(c), NODE_ID.from(c), HTTP_HOST.from(c), HTTP_PORT.from(c),
                new ClientLimits(HTTP_MAX_HEADER_BYTES.from(c), HTTP_READ_TIMEOUT.from(c),
                        HTTP_MAX_CONNECTIONS.from(c), HTTP_MAX_IN_FLIGHT.from(c), HTTP_RETRY_AFTER.from(c)),
                MAX_BODY_BYTES.from(c), MAX_RESPONSE_BYTES.from(c),
                new UpstreamLimits(CONNECT_TIMEOUT.from(c), READ_TIMEOUT.from(c), MAX_ATTEMPTS.from(c),
                        UPSTREAM_IDLE_TIMEOUT.from(c), UPSTREAM_MAX_IDLE.from(c)),
                PROFILE.from(c), ALLOW_PROFILE_HEADER.from(c), profiles(c),
                SATURATION_QUEUE.from(c), SATURATION_KV_CACHE.from(c), METRICS_STALENESS.from(c),
                PREFIX_MAX_BLOCKS.from(c), PREFIX_CAPACITY_PER_ENDPOINT.from(c),
                new PrecisePrefix(DEFAULT_TOKENIZER.from(c), tokenizers(c), PRECISE_MAX_TOKENS.from(c),
                        PRECISE_HASH_SEED.from(c), KV_INDEX_MAX_BLOCKS.from(c)),
                TABLE_STALENESS.from(c),
                new Peers(PEERS_ENABLED.from(c), PEERS_PUBLISH_INTERVAL.from(c), PEERS_TIMEOUT.from(c),
                        PEERS_RECOVERY_WINDOW.from(c), PEERS_RECOVERY_MAX_RECORDS.from(c)),
                DECISIONS_ENABLED.from(c), DECISIONS_BUFFER_SIZE.from(c), DECISIONS_MAX_CANDIDATES.from(c));
    }

    /**
     * What the gateway takes from its clients before it refuses or disconnects them (the {@code http.*}
     * limits above); {@code io.inferrouter.gateway.server.ClientGuard} puts them on the listener.
     */
    public record ClientLimits(int maxHeaderBytes, Duration readTimeout, int maxConnections, int maxInFlight,
                               Duration retryAfter) {

        public ClientLimits {
            range(maxHeaderBytes, 1024, 1024 * 1024, HTTP_MAX_HEADER_BYTES);
            positive(readTimeout, HTTP_READ_TIMEOUT);
            range(maxConnections, 1, 1_000_000, HTTP_MAX_CONNECTIONS);
            range(maxInFlight, 1, 1_000_000, HTTP_MAX_IN_FLIGHT);
            positive(retryAfter, HTTP_RETRY_AFTER);
        }

        /** {@code Retry-After} takes whole seconds. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    /**
     * How the gateway talks to model servers (the {@code upstream.*} settings above);
     * {@code io.inferrouter.gateway.proxy.Http1Upstream} and {@code UpstreamProxy} use them.
     */
    public record UpstreamLimits(Duration connectTimeout, Duration readTimeout, int maxAttempts,
                                 Duration idleTimeout, int maxIdlePerEndpoint) {

        public UpstreamLimits {
            positive(connectTimeout, CONNECT_TIMEOUT);
            positive(readTimeout, READ_TIMEOUT);
            range(maxAttempts, 1, 10, MAX_ATTEMPTS);
            positive(idleTimeout, UPSTREAM_IDLE_TIMEOUT);
            range(maxIdlePerEndpoint, 0, 100_000, UPSTREAM_MAX_IDLE);
        }
    }

    /**
     * The precise prefix-cache scorer's settings ({@code tokenizers.*}, {@code precise-prefix.*},
     * {@code kv-index.*} above); {@code io.inferrouter.gateway.tokens.Tokenizers} loads the tokenizers.
     *
     * @param defaultTokenizer     the tokenizer spec of models {@code tokenizers} does not name
     * @param tokenizers           model name to tokenizer spec ({@code none}, {@code sim}, {@code hf:<path>})
     * @param maxTokens            leading prompt tokens tokenized and hashed
     * @param hashSeed             the servers' {@code PYTHONHASHSEED}
     * @param maxBlocksPerEndpoint blocks the KV-event index keeps per endpoint
     */
    public record PrecisePrefix(String defaultTokenizer, Map<String, String> tokenizers, int maxTokens,
                                String hashSeed, int maxBlocksPerEndpoint) {

        public PrecisePrefix {
            Tokenizers.checkSpec(defaultTokenizer, DEFAULT_TOKENIZER.label());
            tokenizers = Map.copyOf(tokenizers);
            tokenizers.forEach((model, spec) -> Tokenizers.checkSpec(spec,
                    TOKENIZERS_KEY + " entry for model '" + model + "'"));
            range(maxTokens, 16, 1_000_000, PRECISE_MAX_TOKENS);
            require(hashSeed, PRECISE_HASH_SEED);
            range(maxBlocksPerEndpoint, 1, 100_000_000, KV_INDEX_MAX_BLOCKS);
        }

        /** Everything at its default: no tokenizer. */
        public static PrecisePrefix defaults() {
            return new PrecisePrefix(DEFAULT_TOKENIZER.fallback().get(), Map.of(), PRECISE_MAX_TOKENS.fallback().get(),
                    PRECISE_HASH_SEED.fallback().get(), KV_INDEX_MAX_BLOCKS.fallback().get());
        }
    }

    /**
     * Sharing with the other gateway replicas (the {@code peers.*} settings above);
     * {@code io.inferrouter.gateway.peers} does it.
     */
    public record Peers(boolean enabled, Duration publishInterval, Duration timeout, Duration recoveryWindow,
                        int recoveryMaxRecords) {

        public Peers {
            if (publishInterval.compareTo(Duration.ofMillis(1)) < 0 || publishInterval.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException(PEERS_PUBLISH_INTERVAL.label() + " must be 1 ms-1 s, was "
                        + publishInterval);
            }
            if (timeout.compareTo(publishInterval.multipliedBy(3)) <= 0) {
                throw new IllegalArgumentException(PEERS_TIMEOUT.label() + " must be more than three times "
                        + PEERS_PUBLISH_INTERVAL.label() + " (" + publishInterval + "), was " + timeout);
            }
            if (recoveryWindow.isNegative()) {
                throw new IllegalArgumentException(PEERS_RECOVERY_WINDOW.label() + " must be >= 0, was " + recoveryWindow);
            }
            range(recoveryMaxRecords, 0, Integer.MAX_VALUE, PEERS_RECOVERY_MAX_RECORDS);
        }

        /** How often an idle replica reports that it is alive: a third of the timeout. */
        public Duration heartbeat() {
            return timeout.dividedBy(3);
        }
    }

    /** The per-model tokenizers under {@code tokenizers.models} in the file: {@code - model: m, tokenizer: spec}. */
    private static Map<String, String> tokenizers(Config c) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Config entry : c.get(TOKENIZERS_KEY).asNodeList().orElse(List.of())) {
            String model = entry.get("model").asString().orElse("");
            String spec = entry.get("tokenizer").asString().orElse("");
            if (model.isBlank() || spec.isBlank()) {
                throw new IllegalArgumentException(TOKENIZERS_KEY + "[" + entry.name() + "] needs a 'model' and a "
                        + "'tokenizer' (none, sim or hf:<path to tokenizer.json>)");
            }
            if (out.put(model, spec) != null) {
                throw new IllegalArgumentException(TOKENIZERS_KEY + " names model '" + model + "' twice");
            }
        }
        return out;
    }

    /** The built-in profiles, replaced or joined by those under {@code scheduler.profiles} in the file. */
    private static Map<String, ProfileConfig> profiles(Config c) {
        Map<String, ProfileConfig> profiles = new LinkedHashMap<>(ProfileConfig.builtIn());
        Config configured = c.get(PROFILES_KEY);
        if (configured.exists()) {
            for (Config p : configured.asNodeList().orElse(List.of())) {
                Map<String, Double> scorers = new LinkedHashMap<>();
                for (Config s : p.get("scorers").asNodeList().orElse(List.of())) {
                    scorers.put(s.name(), s.asDouble().orElseThrow(() -> new IllegalArgumentException(
                            PROFILES_KEY + "." + p.name() + ".scorers." + s.name() + " must be a number")));
                }
                profiles.put(p.name(), new ProfileConfig(p.name(),
                        p.get("filters").asList(String.class).orElse(List.of()), scorers,
                        p.get("picker").asString().orElse("max-score")));
            }
        }
        return profiles;
    }

    private static void require(String v, Setting<?> setting) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(setting.label() + " is required");
        }
    }

    private static void range(long v, long min, long max, Setting<?> setting) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(setting.label() + " must be " + min + "-" + max + ", was " + v);
        }
    }

    private static void positive(Duration d, Setting<?> setting) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(setting.label() + " must be a positive duration (e.g. 200ms), was " + d);
        }
    }
}
