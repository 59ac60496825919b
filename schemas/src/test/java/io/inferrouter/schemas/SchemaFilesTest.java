package io.inferrouter.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.schemas.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The schema files are the source of truth: the Java records must say the same thing. */
class SchemaFilesTest {

    @Test
    void everyRecordComponentIsAPropertyOfItsSchemaAndBack() throws IOException {
        for (Map.Entry<Class<?>, String> e : SchemaFiles.all().entrySet()) {
            JsonNode schema = read(e.getValue());
            TreeSet<String> properties = new TreeSet<>();
            schema.get("properties").fieldNames().forEachRemaining(properties::add);
            TreeSet<String> components = new TreeSet<>(Arrays.stream(wireForm(e.getKey()).getRecordComponents())
                    .map(RecordComponent::getName).toList());
            assertThat(components).as("fields of %s vs %s", e.getKey().getSimpleName(), e.getValue())
                    .isEqualTo(properties);
        }
    }

    @Test
    void requiredPropertiesAreDeclaredAndEveryFileHasItsId() throws IOException {
        for (String file : SchemaFiles.all().values()) {
            JsonNode schema = read(file);
            assertThat(schema.path("$id").asText()).isEqualTo(SchemaFiles.BASE_ID + file);
            List<String> required = new ArrayList<>();
            schema.path("required").forEach(n -> required.add(n.asText()));
            for (String name : required) {
                assertThat(schema.get("properties").has(name)).as("%s requires %s", file, name).isTrue();
            }
            // A closed schema would reject a newer writer's fields: evolution needs them open.
            assertThat(schema.path("additionalProperties").isBoolean()).as("%s must stay open", file).isFalse();
        }
    }

    @Test
    void primitiveComponentsAreRequiredAndRequiredOnesArePrimitiveOrValidated() throws IOException {
        for (Map.Entry<Class<?>, String> e : SchemaFiles.all().entrySet()) {
            JsonNode schema = read(e.getValue());
            List<String> required = new ArrayList<>();
            schema.path("required").forEach(n -> required.add(n.asText()));
            for (RecordComponent c : wireForm(e.getKey()).getRecordComponents()) {
                if (c.getType().isPrimitive()) {
                    assertThat(required).as("%s.%s is primitive, so the schema must require it",
                            e.getKey().getSimpleName(), c.getName()).contains(c.getName());
                }
            }
        }
    }

    /**
     * The record that is written to the wire: the type itself, or the record its {@code @JsonValue}
     * method returns where the Java shape is nested and the wire form flat.
     */
    static Class<?> wireForm(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(JsonValue.class))
                .<Class<?>>map(Method::getReturnType).filter(Class::isRecord).findFirst().orElse(type);
    }

    static JsonNode read(String file) throws IOException {
        try (InputStream in = SchemaFilesTest.class.getResourceAsStream("/schemas/" + file)) {
            assertThat(in).as("schema file %s on the classpath", file).isNotNull();
            return Json.mapper().readTree(in);
        }
    }
}
