package io.inferrouter.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.topics.CatalogueMarkdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README.md's topic catalogue is the code's catalogue, word for word. */
class ReadmeCatalogueTest {

    private static final String BEGIN = "<!-- topic-catalogue:begin -->";
    private static final String END = "<!-- topic-catalogue:end -->";

    @Test
    void readmeTopicCatalogueMatchesTheCode() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int from = readme.indexOf(BEGIN);
        int to = readme.indexOf(END);
        assertThat(from).as("README.md has the %s marker", BEGIN).isNotNegative();
        assertThat(to).as("README.md has the %s marker", END).isGreaterThan(from);
        String table = readme.substring(from + BEGIN.length(), to).strip() + "\n";
        assertThat(table).as("README topic catalogue; regenerate it with CatalogueMarkdown.main")
                .isEqualTo(CatalogueMarkdown.render());
    }
}
