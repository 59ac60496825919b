package io.inferrouter.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final Map<String, String> ENV = Map.of("SVC_PORT", "http.port", "SVC_NAME", "name");

    @Test
    void namedEnvironmentVariablesWinOverTheFileAndOthersAreIgnored(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "http:\n  port: 1\nname: from-file\nother: kept\n");
        Config c = ConfigLoader.load(List.of("--config", file.toString()), Map.of("SVC_PORT", "2", "PATH", "/bin"), ENV);
        assertThat(c.get("http.port").asInt().get()).isEqualTo(2);
        assertThat(c.get("name").asString().get()).isEqualTo("from-file");
        assertThat(c.get("other").asString().get()).isEqualTo("kept");
        assertThat(c.get("PATH").exists()).isFalse();
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config"), Map.of(), ENV)).hasMessageContaining("needs a file");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--config", "/no/such.yaml"), Map.of(), ENV))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("-x"), Map.of(), ENV)).hasMessageContaining("unknown argument");
    }
}
