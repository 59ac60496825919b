package io.inferrouter.gateway.config;

import static io.inferrouter.gateway.config.GatewayConfig.ALLOW_PROFILE_HEADER;
import static io.inferrouter.gateway.config.GatewayConfig.BOOTSTRAP_SERVERS;
import static io.inferrouter.gateway.config.GatewayConfig.CONNECT_TIMEOUT;
import static io.inferrouter.gateway.config.GatewayConfig.DECISIONS_BUFFER_SIZE;
import static io.inferrouter.gateway.config.GatewayConfig.DECISIONS_ENABLED;
import static io.inferrouter.gateway.config.GatewayConfig.DECISIONS_MAX_CANDIDATES;
import static io.inferrouter.gateway.config.GatewayConfig.HTTP_HOST;
import static io.inferrouter.gateway.config.GatewayConfig.HTTP_MAX_CONNECTIONS;
import static io.inferrouter.gateway.config.GatewayConfig.HTTP_MAX_HEADER_BYTES;
import static io.inferrouter.gateway.config.GatewayConfig.HTTP_MAX_IN_FLIGHT;
import static io.inferrouter.gateway.config.GatewayConfig.HTTP_PORT;
import static io.inferrouter.gateway.config.GatewayConfig.HTTP_READ_TIMEOUT;
import static io.inferrouter.gateway.config.GatewayConfig.HTTP_RETRY_AFTER;
import static io.inferrouter.gateway.config.GatewayConfig.MAX_ATTEMPTS;
import static io.inferrouter.gateway.config.GatewayConfig.MAX_BODY_BYTES;
import static io.inferrouter.gateway.config.GatewayConfig.MAX_RESPONSE_BYTES;
import static io.inferrouter.gateway.config.GatewayConfig.METRICS_STALENESS;
import static io.inferrouter.gateway.config.GatewayConfig.DEFAULT_TOKENIZER;
import static io.inferrouter.gateway.config.GatewayConfig.KV_INDEX_MAX_BLOCKS;
import static io.inferrouter.gateway.config.GatewayConfig.NODE_ID;
import static io.inferrouter.gateway.config.GatewayConfig.PEERS_ENABLED;
import static io.inferrouter.gateway.config.GatewayConfig.PEERS_PUBLISH_INTERVAL;
import static io.inferrouter.gateway.config.GatewayConfig.PEERS_RECOVERY_MAX_RECORDS;
import static io.inferrouter.gateway.config.GatewayConfig.PEERS_RECOVERY_WINDOW;
import static io.inferrouter.gateway.config.GatewayConfig.PEERS_TIMEOUT;
import static io.inferrouter.gateway.config.GatewayConfig.PRECISE_HASH_SEED;
import static io.inferrouter.gateway.config.GatewayConfig.PRECISE_MAX_TOKENS;
import static io.inferrouter.gateway.config.GatewayConfig.PREFIX_CAPACITY_PER_ENDPOINT;
import static io.inferrouter.gateway.config.GatewayConfig.PREFIX_MAX_BLOCKS;
import static io.inferrouter.gateway.config.GatewayConfig.PROFILE;
import static io.inferrouter.gateway.config.GatewayConfig.READ_TIMEOUT;
import static io.inferrouter.gateway.config.GatewayConfig.SATURATION_KV_CACHE;
import static io.inferrouter.gateway.config.GatewayConfig.SATURATION_QUEUE;
import static io.inferrouter.gateway.config.GatewayConfig.SETTINGS;
import static io.inferrouter.gateway.config.GatewayConfig.TABLE_STALENESS;
import static io.inferrouter.gateway.config.GatewayConfig.UPSTREAM_IDLE_TIMEOUT;
import static io.inferrouter.gateway.config.GatewayConfig.UPSTREAM_MAX_IDLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.support.Durations;
import io.inferrouter.support.InstanceNames;
import io.inferrouter.support.ReadmeSection;
import io.inferrouter.support.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the code's, and every setting in it works as it says. */
class ConfigTableTest {

    /** A setting, a value for its environment variable other than the default, and where the value lands. */
    private record Case(Setting<?> setting, String text, Function<GatewayConfig, Object> field, Object expected) {
    }

    private static final List<Case> CASES = List.of(
            new Case(BOOTSTRAP_SERVERS, "kafka-0:9092", GatewayConfig::bootstrapServers, "kafka-0:9092"),
            new Case(NODE_ID, "gw-7", GatewayConfig::nodeId, "gw-7"),
            new Case(HTTP_HOST, "0.0.0.0", GatewayConfig::httpHost, "0.0.0.0"),
            new Case(HTTP_PORT, "9090", GatewayConfig::httpPort, 9090),
            new Case(HTTP_MAX_HEADER_BYTES, "32768", c -> c.clientLimits().maxHeaderBytes(), 32768),
            new Case(HTTP_READ_TIMEOUT, "5s", c -> c.clientLimits().readTimeout(), Duration.ofSeconds(5)),
            new Case(HTTP_MAX_CONNECTIONS, "100", c -> c.clientLimits().maxConnections(), 100),
            new Case(HTTP_MAX_IN_FLIGHT, "50", c -> c.clientLimits().maxInFlight(), 50),
            new Case(HTTP_RETRY_AFTER, "3s", c -> c.clientLimits().retryAfter(), Duration.ofSeconds(3)),
            new Case(MAX_BODY_BYTES, "1024", GatewayConfig::maxBodyBytes, 1024),
            new Case(MAX_RESPONSE_BYTES, "2048", GatewayConfig::maxResponseBytes, 2048),
            new Case(CONNECT_TIMEOUT, "250ms", c -> c.upstream().connectTimeout(), Duration.ofMillis(250)),
            new Case(READ_TIMEOUT, "PT30S", c -> c.upstream().readTimeout(), Duration.ofSeconds(30)),
            new Case(MAX_ATTEMPTS, "3", c -> c.upstream().maxAttempts(), 3),
            new Case(UPSTREAM_IDLE_TIMEOUT, "2s", c -> c.upstream().idleTimeout(), Duration.ofSeconds(2)),
            new Case(UPSTREAM_MAX_IDLE, "8", c -> c.upstream().maxIdlePerEndpoint(), 8),
            new Case(PROFILE, "random", GatewayConfig::defaultProfile, "random"),
            new Case(ALLOW_PROFILE_HEADER, "true", GatewayConfig::allowProfileHeader, true),
            new Case(SATURATION_QUEUE, "9", GatewayConfig::saturationQueue, 9),
            new Case(SATURATION_KV_CACHE, "0.5", GatewayConfig::saturationKvCache, 0.5),
            new Case(METRICS_STALENESS, "1s", GatewayConfig::metricsStaleness, Duration.ofSeconds(1)),
            new Case(PREFIX_MAX_BLOCKS, "64", GatewayConfig::prefixMaxBlocks, 64),
            new Case(PREFIX_CAPACITY_PER_ENDPOINT, "1000", GatewayConfig::prefixCapacityPerEndpoint, 1000),
            new Case(DEFAULT_TOKENIZER, "sim", c -> c.precisePrefix().defaultTokenizer(), "sim"),
            new Case(PRECISE_MAX_TOKENS, "4096", c -> c.precisePrefix().maxTokens(), 4096),
            new Case(PRECISE_HASH_SEED, "42", c -> c.precisePrefix().hashSeed(), "42"),
            new Case(KV_INDEX_MAX_BLOCKS, "5000", c -> c.precisePrefix().maxBlocksPerEndpoint(), 5000),
            new Case(TABLE_STALENESS, "30s", GatewayConfig::tableStaleness, Duration.ofSeconds(30)),
            new Case(PEERS_ENABLED, "false", c -> c.peers().enabled(), false),
            new Case(PEERS_PUBLISH_INTERVAL, "5ms", c -> c.peers().publishInterval(), Duration.ofMillis(5)),
            new Case(PEERS_TIMEOUT, "9s", c -> c.peers().timeout(), Duration.ofSeconds(9)),
            new Case(PEERS_RECOVERY_WINDOW, "2m", c -> c.peers().recoveryWindow(), Duration.ofMinutes(2)),
            new Case(PEERS_RECOVERY_MAX_RECORDS, "123", c -> c.peers().recoveryMaxRecords(), 123),
            new Case(DECISIONS_ENABLED, "false", GatewayConfig::decisionsEnabled, false),
            new Case(DECISIONS_BUFFER_SIZE, "50", GatewayConfig::decisionBuffer, 50),
            new Case(DECISIONS_MAX_CANDIDATES, "4", GatewayConfig::decisionMaxCandidates, 4));

    private static GatewayConfig load(Map<String, String> env) {
        return GatewayConfig.from(SETTINGS.load(List.of(), env));
    }

    @Test
    void theReadmeTableIsTheOneTheSettingsGenerate() throws Exception {
        assertThat(ReadmeSection.read(Path.of("..", "README.md"), SETTINGS.marker())).isEqualTo(SETTINGS.markdown());
    }

    @Test
    void everySettingIsCoveredHereInTheTablesOrder() {
        assertThat(CASES).extracting(Case::setting).containsExactlyElementsOf(SETTINGS.all());
    }

    @Test
    void everyEnvironmentVariableIsHonoured() {
        GatewayConfig defaults = load(Map.of());
        for (Case c : CASES) {
            GatewayConfig set = load(Map.of(c.setting().env(), c.text()));
            assertThat(c.field().apply(set)).as(c.setting().label()).isEqualTo(c.expected())
                    .isNotEqualTo(c.field().apply(defaults));
        }
    }

    @Test
    void theEnvironmentVariablesAddedForTheFormerlyFileOnlySettingsAreHonoured() {
        GatewayConfig c = load(Map.of("GATEWAY_MAX_RESPONSE_BYTES", "4096", "GATEWAY_PREFIX_MAX_BLOCKS", "32",
                "GATEWAY_PREFIX_CAPACITY_PER_ENDPOINT", "500", "GATEWAY_DECISIONS_BUFFER_SIZE", "7",
                "GATEWAY_DECISIONS_MAX_CANDIDATES", "0"));
        assertThat(c.maxResponseBytes()).isEqualTo(4096);
        assertThat(c.prefixMaxBlocks()).isEqualTo(32);
        assertThat(c.prefixCapacityPerEndpoint()).isEqualTo(500);
        assertThat(c.decisionBuffer()).isEqualTo(7);
        assertThat(c.decisionMaxCandidates()).isZero();
    }

    @Test
    void theDefaultsAreTheOnesTheTableShows() {
        GatewayConfig defaults = load(Map.of());
        for (Case c : CASES) {
            Object value = c.field().apply(defaults);
            String shown = value instanceof Duration d ? Durations.format(d) : String.valueOf(value);
            // The node id's table entry describes it; its value is the pod's name, or this host and process.
            String expected = c.setting() == NODE_ID ? InstanceNames.podOr("gateway") : c.setting().shown();
            assertThat(shown).as(c.setting().label()).isEqualTo(expected);
        }
    }

    @Test
    void badValuesNameTheKeyAndTheVariable() {
        assertThatThrownBy(() -> load(Map.of("GATEWAY_DECISIONS_MAX_CANDIDATES", "-1")))
                .hasMessageContaining("decisions.max-candidates (GATEWAY_DECISIONS_MAX_CANDIDATES)");
        assertThatThrownBy(() -> load(Map.of("GATEWAY_PREFIX_MAX_BLOCKS", "lots")))
                .hasMessageContaining("prefix.max-blocks (GATEWAY_PREFIX_MAX_BLOCKS)");
    }

    @Test
    void theTableSaysTheSchedulerProfilesAreFileOnly() {
        assertThat(SETTINGS.markdown()).contains("`scheduler.profiles.<name>`").contains("config file only");
    }
}
