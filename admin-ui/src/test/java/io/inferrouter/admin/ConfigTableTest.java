package io.inferrouter.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.support.ReadmeSection;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's admin-ui configuration table is the one the settings generate. */
class ConfigTableTest {

    @Test
    void theReadmeTableIsGeneratedFromTheSettings() throws Exception {
        assertThat(ReadmeSection.read(Path.of("..", "README.md"), AdminConfig.SETTINGS.marker()))
                .isEqualTo(AdminConfig.SETTINGS.markdown());
    }
}
