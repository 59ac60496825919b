package io.inferrouter.schemas;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.serde.JsonSerde;
import io.inferrouter.schemas.serde.MalformedRecordException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class MalformedRecordTest {

    private final JsonSerde<Pod> pods = new JsonSerde<>(Pod.class);

    @Test
    void bytesThatAreNotJsonRaiseMalformedRecord() {
        assertThatThrownBy(() -> pods.deserialize("k8s.pods", new byte[] {0, 1, 2, (byte) 0xff}))
                .isInstanceOf(MalformedRecordException.class)
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("k8s.pods").hasMessageContaining("Pod");
    }

    @Test
    void aMissingRequiredFieldRaisesMalformedRecordNamingTheField() {
        assertThatThrownBy(() -> pods.fromJson("{\"ready\":true,\"terminating\":false,\"observedAtMs\":1,\"source\":\"x\"}"))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("meta");
    }

    @Test
    void aBrokenInvariantRaisesMalformedRecordWithTheReason() {
        String json = "{\"meta\":{\"namespace\":\"a/b\",\"name\":\"p\"},\"ready\":true,\"terminating\":false,"
                + "\"observedAtMs\":1,\"source\":\"x\"}";
        assertThatThrownBy(() -> pods.fromJson(json))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("namespace");
    }

    @Test
    void aWrongTypeRaisesMalformedRecord() {
        assertThatThrownBy(() -> new JsonSerde<>(EndpointMetrics.class).fromJson(
                "{\"endpoint\":\"a/b:1\",\"address\":\"x\",\"port\":\"eighty\",\"observedAtMs\":1,\"source\":\"s\"}"))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("port");
    }

    @Test
    void aJsonNullOrTrailingGarbageRaisesMalformedRecord() {
        JsonSerde<InferenceModel> models = new JsonSerde<>(InferenceModel.class);
        assertThatThrownBy(() -> models.deserialize("t", "null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRecordException.class);
        String sample = new JsonSerde<>(InferenceModel.class).toJson(Samples.model());
        assertThatThrownBy(() -> models.fromJson(sample + "}"))
                .isInstanceOf(MalformedRecordException.class);
    }
}
