package io.inferrouter.devstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot be run here (no Docker engine): this checks what can be checked without
 * it. The file parses; every service built from a Dockerfile has that Dockerfile, whose entry point's
 * main class exists; every dependency exists and has a health check to wait for.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern MAIN = Pattern.compile("\"(io\\.inferrouter\\.[A-Za-z0-9_.]+)\"\\]\\s*$", Pattern.MULTILINE);

    @Test
    void everyServiceHasItsDockerfileMainClassAndHealthyDependencies() throws Exception {
        // SnakeYAML applies YAML merge keys (<<: *anchor) as compose does.
        Object parsed = new org.yaml.snakeyaml.Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        JsonNode compose = new ObjectMapper().valueToTree(parsed);
        JsonNode services = compose.get("services");
        assertThat(services).isNotNull();
        List<String> built = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode build = e.getValue().get("build");
            if (build != null) {
                Path dockerfile = ROOT.resolve(build.get("dockerfile").asText());
                assertThat(dockerfile).as("Dockerfile of %s", e.getKey()).exists();
                Matcher m = MAIN.matcher(Files.readString(dockerfile));
                assertThat(m.find()).as("%s names a main class in its ENTRYPOINT", dockerfile).isTrue();
                String module = dockerfile.getParent().getFileName().toString();
                Path source = ROOT.resolve(module).resolve("src/main/java").resolve(m.group(1).replace('.', '/') + ".java");
                assertThat(source).as("main class of %s", e.getKey()).exists();
                built.add(e.getKey());
            }
            JsonNode deps = e.getValue().get("depends_on");
            if (deps != null) {
                for (Iterator<String> d = deps.fieldNames(); d.hasNext(); ) {
                    String dep = d.next();
                    assertThat(services.has(dep)).as("%s depends on %s", e.getKey(), dep).isTrue();
                    assertThat(deps.get(dep).path("condition").asText()).isEqualTo("service_healthy");
                    boolean healthcheck = services.get(dep).has("healthcheck") || dockerfileHasHealthcheck(services.get(dep));
                    assertThat(healthcheck).as("%s has a health check", dep).isTrue();
                }
            }
        }
        assertThat(built).contains("state-ingestor", "routing-stream", "gateway-node", "sim-llama-0");
        assertThat(services.get("state-ingestor").path("environment").path("INGESTOR_SOURCE").asText()).isEqualTo("files");
    }

    private static boolean dockerfileHasHealthcheck(JsonNode service) throws Exception {
        JsonNode build = service.get("build");
        return build != null && Files.readString(ROOT.resolve(build.get("dockerfile").asText())).contains("HEALTHCHECK");
    }
}
