package io.inferrouter.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.serde.JsonSerde;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SerdeRoundTripTest {

    @Test
    void everyTypeRoundTripsThroughItsSerdeAndMatchesItsSchemaFile() throws Exception {
        for (Map.Entry<Class<?>, String> e : SchemaFiles.all().entrySet()) {
            Object sample = Samples.all().get(e.getKey());
            assertThat(sample).as("a sample for %s", e.getKey().getSimpleName()).isNotNull();
            byte[] bytes = roundTrip(e.getKey(), sample);
            JsonNode json = Json.mapper().readTree(bytes);
            assertThat(SchemaValidator.errors(e.getValue(), json)).as("%s against %s", e.getKey().getSimpleName(),
                    e.getValue()).isEmpty();
        }
    }

    @Test
    void tombstonesStayNullBothWays() {
        JsonSerde<io.inferrouter.schemas.resources.Pod> serde = new JsonSerde<>(io.inferrouter.schemas.resources.Pod.class);
        assertThat(serde.serialize("k8s.pods", null)).isNull();
        assertThat(serde.deserialize("k8s.pods", null)).isNull();
    }

    @Test
    void unsetOptionalFieldsAreLeftOutOfTheJson() {
        var pool = new io.inferrouter.schemas.resources.InferencePool(
                io.inferrouter.schemas.resources.ResourceMeta.of("ns", "p"),
                io.inferrouter.schemas.resources.InferencePool.API_V1ALPHA2, Map.of("a", "b"), java.util.List.of(8000),
                null, null, null, 1, "test");
        String json = new JsonSerde<>(io.inferrouter.schemas.resources.InferencePool.class).toJson(pool);
        assertThat(json).doesNotContain("endpointPicker").doesNotContain("uid").doesNotContain("null");
    }

    private static <T> byte[] roundTrip(Class<T> type, Object sample) {
        JsonSerde<T> serde = new JsonSerde<>(type);
        byte[] bytes = serde.serialize("t", type.cast(sample));
        T back = serde.deserialize("t", bytes);
        assertThat(back).as("%s after a round trip", type.getSimpleName()).isEqualTo(sample);
        return bytes;
    }
}
