package io.inferrouter.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.serde.JsonSerde;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Records written by every earlier schema version (fixtures/v*) must still be read by today's code.
 * A fixture is named after its schema file, with an optional variant: {@code pod.minimal.json}.
 * When a schema changes, add a directory for the new version; never edit an old one.
 */
class FixtureCompatibilityTest {

    @TestFactory
    Stream<DynamicTest> everyFixtureOfEveryVersionStillDeserializes() throws IOException, URISyntaxException {
        Path root = Path.of(FixtureCompatibilityTest.class.getResource("/fixtures").toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(root.relativize(file).toString(), () -> {
            Class<?> type = typeOf(file.getFileName().toString());
            String schemaFile = SchemaFiles.fileOf(type);
            assertThat(SchemaValidator.errors(schemaFile, Json.mapper().readTree(file.toFile())))
                    .as("%s against %s", file.getFileName(), schemaFile).isEmpty();
            Object value = new JsonSerde<>(type).deserialize("fixture", Files.readAllBytes(file));
            assertThat(value).isInstanceOf(type);
        }));
    }

    @Test
    void everyTypeHasAFixtureForTheCurrentVersion() throws URISyntaxException {
        Path v1 = Path.of(FixtureCompatibilityTest.class.getResource("/fixtures/v1").toURI());
        for (String file : SchemaFiles.all().values()) {
            assertThat(v1.resolve(file.replace(".schema.json", ".json"))).exists();
        }
    }

    @Test
    void aFieldFromANewerWriterIsIgnoredByThisReader() throws IOException {
        for (Map.Entry<Class<?>, Object> e : Samples.all().entrySet()) {
            assertReadsWithExtraField(e.getKey(), e.getValue());
        }
    }

    private static <T> void assertReadsWithExtraField(Class<T> type, Object sample) throws IOException {
        JsonSerde<T> serde = new JsonSerde<>(type);
        ObjectNode json = (ObjectNode) Json.mapper().readTree(serde.serialize("t", type.cast(sample)));
        json.put("fieldFromTheFuture", "ignored");
        json.putObject("nestedFromTheFuture").put("x", 1);
        T back = serde.deserialize("t", Json.mapper().writeValueAsBytes(json));
        assertThat(back).as(type.getSimpleName()).isEqualTo(sample);
    }

    private static Class<?> typeOf(String fixtureName) {
        String base = fixtureName.substring(0, fixtureName.indexOf('.'));
        return SchemaFiles.all().entrySet().stream()
                .filter(e -> e.getValue().equals(base + ".schema.json"))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("fixture " + fixtureName + " names no schema file"));
    }

}
