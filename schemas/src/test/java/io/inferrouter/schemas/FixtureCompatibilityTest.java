package io.inferrouter.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.serde.JsonSerde;
import io.inferrouter.schemas.tables.EndpointRow;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Records written by every earlier schema version (fixtures/v*) must still be read by today's code.
 * A fixture is named after its schema file, with an optional variant: {@code pod.minimal.json}.
 * When a schema changes, put a fixture of its new shape into a directory for the new version
 * (v2, v3, ...); never edit an old one. Version 2 changed only {@code endpoint-row} (it dropped
 * {@code observedAtMs}), so v2 holds only that file; version 3 added {@code kv-events-record} (topic
 * {@code kv.events}: a batch, a snapshot and a reset); version 4 added {@code peer-report} (topic
 * {@code gateway.peers}: a busy and an idle replica).
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
            Object value = new JsonSerde<>(type).deserialize("fixture", Files.readAllBytes(file));
            assertThat(value).isInstanceOf(type);
        }));
    }

    /**
     * Reading a record and writing it again keeps every value the fixture holds, so today's writer speaks
     * the wire format the fixtures pin. The writer may add what a minimal fixture leaves to defaults
     * (engineType, a poolRef's kind); nulls and empty lists count as absent. v1's endpoint row is skipped:
     * version 2 dropped its {@code observedAtMs}.
     */
    @TestFactory
    Stream<DynamicTest> everyFixtureWrittenAgainKeepsEveryValue() throws IOException, URISyntaxException {
        Path root = fixtures();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".json"))
                    .filter(p -> !root.relativize(p).toString().equals("v1/endpoint-row.json")).sorted().toList();
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(root.relativize(file).toString(), () -> {
            Class<?> type = typeOf(file.getFileName().toString());
            byte[] read = Files.readAllBytes(file);
            JsonNode again = Json.mapper().readTree(Json.mapper().writeValueAsBytes(Json.mapper().readValue(read, type)));
            assertKept(Json.mapper().readTree(read), again, "$");
        }));
    }

    private static void assertKept(JsonNode fixture, JsonNode written, String path) {
        if (fixture.isObject()) {
            fixture.properties().forEach(e -> {
                JsonNode v = e.getValue();
                if (!v.isNull() && !(v.isArray() && v.isEmpty())) {
                    assertThat(written.has(e.getKey())).as("%s.%s written again", path, e.getKey()).isTrue();
                    assertKept(v, written.get(e.getKey()), path + "." + e.getKey());
                }
            });
        } else if (fixture.isArray()) {
            assertThat(written.size()).as("%s size", path).isEqualTo(fixture.size());
            for (int i = 0; i < fixture.size(); i++) {
                assertKept(fixture.get(i), written.get(i), path + "[" + i + "]");
            }
        } else {
            assertThat(written).as(path).isEqualTo(fixture);
        }
    }

    @Test
    void everyTypesNewestFixtureIsOfTheCurrentSchema() throws IOException, URISyntaxException {
        for (String schemaFile : SchemaFiles.all().values()) {
            Path newest = newestFixture(schemaFile.replace(".schema.json", ".json"));
            assertThat(SchemaValidator.errors(schemaFile, Json.mapper().readTree(newest.toFile())))
                    .as("%s against %s", newest, schemaFile).isEmpty();
        }
    }

    @Test
    void anEndpointRowOfVersion1WithItsDroppedFieldStillReads() throws IOException, URISyntaxException {
        Path v1 = fixtures().resolve("v1/endpoint-row.json");
        assertThat(Json.mapper().readTree(v1.toFile()).has("observedAtMs")).isTrue();
        EndpointRow row = new JsonSerde<>(EndpointRow.class).deserialize("fixture", Files.readAllBytes(v1));
        assertThat(row.endpoint()).hasToString("llm/llama-0:8000");
        assertThat(row.report().load().waitingRequests()).isEqualTo(3);
    }

    private static Path fixtures() throws URISyntaxException {
        return Path.of(FixtureCompatibilityTest.class.getResource("/fixtures").toURI());
    }

    /** The fixture of the highest version directory that has one; every type has one in v1 at least. */
    private static Path newestFixture(String name) throws IOException, URISyntaxException {
        try (Stream<Path> versions = Files.list(fixtures())) {
            return versions.filter(v -> v.getFileName().toString().matches("v\\d+"))
                    .sorted(Comparator.comparingInt(
                            (Path v) -> Integer.parseInt(v.getFileName().toString().substring(1))).reversed())
                    .map(v -> v.resolve(name)).filter(Files::exists).findFirst()
                    .orElseThrow(() -> new AssertionError("no fixture " + name + " in any version"));
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
