package io.inferrouter.stream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.support.ReadmeSection;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the one the settings generate. */
class ConfigTableTest {

    @Test
    void theReadmeTableIsTheGeneratedOne() throws Exception {
        assertThat(ReadmeSection.read(Path.of("..", "README.md"), RoutingStreamConfig.SETTINGS.marker()))
                .isEqualTo(RoutingStreamConfig.SETTINGS.markdown());
    }
}
