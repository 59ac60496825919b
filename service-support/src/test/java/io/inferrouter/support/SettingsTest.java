package io.inferrouter.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    private static final Setting<Integer> PORT = Setting.integer("http.port", "SVC_HTTP_PORT", 8080, "port | of it");
    private static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "SVC_TIMEOUT",
            Duration.ofMillis(250), "how long");
    private static final Setting<List<String>> NAMESPACES = Setting.list("namespaces", "SVC_NAMESPACES", "which");
    private static final Setting<Boolean> ENABLED = Setting.flag("enabled", "SVC_ENABLED", true, "on");
    private static final Setting<String> ID = Setting.text("id", "SVC_ID", null, "who")
            .computedDefault(() -> "svc-1", "svc-<pid>");
    private static final Settings SETTINGS = Settings.of("svc", PORT, TIMEOUT, NAMESPACES, ENABLED, ID);

    @Test
    void unsetSettingsTakeTheirDefaults() {
        Config c = SETTINGS.load(List.of(), Map.of());
        assertThat(PORT.from(c)).isEqualTo(8080);
        assertThat(TIMEOUT.from(c)).isEqualTo(Duration.ofMillis(250));
        assertThat(NAMESPACES.from(c)).isEmpty();
        assertThat(ENABLED.from(c)).isTrue();
        assertThat(ID.from(c)).isEqualTo("svc-1");
    }

    @Test
    void environmentWinsOverTheFileAndListsReadBothForms(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("svc.yaml");
        Files.writeString(file, "http:\n  port: 9000\nnamespaces: [a, b]\ntimeout: 2s\n");
        Config fromFile = SETTINGS.load(List.of("--config", file.toString()), Map.of());
        assertThat(PORT.from(fromFile)).isEqualTo(9000);
        assertThat(NAMESPACES.from(fromFile)).containsExactly("a", "b");
        assertThat(TIMEOUT.from(fromFile)).isEqualTo(Duration.ofSeconds(2));
        Config both = SETTINGS.load(List.of("--config", file.toString()),
                Map.of("SVC_HTTP_PORT", "9100", "SVC_NAMESPACES", "c, d", "SVC_ENABLED", "false"));
        assertThat(PORT.from(both)).isEqualTo(9100);
        assertThat(NAMESPACES.from(both)).containsExactly("c", "d");
        assertThat(ENABLED.from(both)).isFalse();
    }

    @Test
    void badValuesNameTheKeyAndTheVariable() {
        Config c = SETTINGS.load(List.of(), Map.of("SVC_HTTP_PORT", "eighty", "SVC_TIMEOUT", "soon",
                "SVC_ENABLED", "maybe"));
        assertThatThrownBy(() -> PORT.from(c)).hasMessage("http.port (SVC_HTTP_PORT) must be an integer, was 'eighty'");
        assertThatThrownBy(() -> TIMEOUT.from(c)).hasMessageContaining("timeout (SVC_TIMEOUT) must be a duration");
        assertThatThrownBy(() -> ENABLED.from(c)).hasMessageContaining("enabled (SVC_ENABLED) must be true or false");
    }

    @Test
    void aSettingDeclaredTwiceIsRefused() {
        assertThatThrownBy(() -> Settings.of("svc", PORT, Setting.integer("http.port", "OTHER", 1, "again")))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> Setting.integer("Http.Port", "X", 1, "bad key")).isInstanceOf(
                IllegalArgumentException.class);
    }

    @Test
    void theTableListsEverySettingInOrderWithItsDefault() {
        assertThat(SETTINGS.markdown()).isEqualTo("""
                | key | environment | default | what |
                |---|---|---|---|
                | `http.port` | `SVC_HTTP_PORT` | `8080` | port \\| of it |
                | `timeout` | `SVC_TIMEOUT` | `250ms` | how long |
                | `namespaces` | `SVC_NAMESPACES` | `(empty)` | which |
                | `enabled` | `SVC_ENABLED` | `true` | on |
                | `id` | `SVC_ID` | `svc-<pid>` | who |
                """);
        assertThat(SETTINGS.environment()).containsEntry("SVC_TIMEOUT", "timeout").hasSize(5);
    }

    @Test
    void aCommandLineSetsEveryKeySwitchesNeedNoValueListsRepeatAndFlagsWinOverTheEnvironment() {
        Config c = SETTINGS.fromArgs(List.of("--http.port", "9", "--enabled", "--namespaces", "a", "--namespaces=b",
                "--timeout=3s"), Map.of("SVC_HTTP_PORT", "7", "SVC_ID", "from-env"));
        assertThat(PORT.from(c)).isEqualTo(9);
        assertThat(ENABLED.from(c)).isTrue();
        assertThat(NAMESPACES.from(c)).containsExactly("a", "b");
        assertThat(TIMEOUT.from(c)).isEqualTo(Duration.ofSeconds(3));
        assertThat(ID.from(c)).isEqualTo("from-env");
        assertThat(ENABLED.from(SETTINGS.fromArgs(List.of("--enabled=false"), Map.of()))).isFalse();
        assertThatThrownBy(() -> SETTINGS.fromArgs(List.of("--nope"), Map.of())).hasMessage("unknown option '--nope'");
        assertThatThrownBy(() -> SETTINGS.fromArgs(List.of("--http.port"), Map.of()))
                .hasMessage("--http.port needs a value");
        assertThat(SETTINGS.usage()).contains("--enabled ").contains("--http.port VALUE").contains("env SVC_TIMEOUT");
    }

    @Test
    void aReadmeSectionIsTheTextBetweenItsMarkers(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "# x\n<!-- config:svc:begin -->\n\n| a |\n\n<!-- config:svc:end -->\nrest\n");
        assertThat(ReadmeSection.read(readme, SETTINGS.marker())).isEqualTo("| a |\n");
        assertThatThrownBy(() -> ReadmeSection.read(readme, "config:other")).hasMessageContaining("no block");
    }
}
