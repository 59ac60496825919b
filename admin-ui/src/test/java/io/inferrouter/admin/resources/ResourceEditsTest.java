package io.inferrouter.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.admin.api.AdminException;
import io.inferrouter.schemas.serde.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceEditsTest {

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    @Test
    void aModelEditKeepsItsWeightedTargets() throws Exception {
        ResourceEdits.ModelEdit e = ResourceEdits.model(json("""
                {"modelName":"chat","criticality":"Critical","poolRef":{"name":"llama"},
                 "targetModels":[{"name":"chat-v1","weight":90},{"name":"chat-v2","weight":10}]}"""));
        assertThat(e.modelName()).isEqualTo("chat");
        assertThat(e.poolName()).isEqualTo("llama");
        assertThat(e.targetModels()).containsExactly(Map.of("name", "chat-v1", "weight", 90),
                Map.of("name", "chat-v2", "weight", 10));
        assertThat(ResourceEdits.model(json("{\"modelName\":\"m\",\"poolRef\":\"llama\"}")).targetModels()).isEmpty();
    }

    @Test
    void modelEditsTheIngestorWouldFlagAreRefused() {
        assertRefused("{\"poolRef\":\"llama\"}", "modelName is required");
        assertRefused("{\"modelName\":\"m\",\"poolRef\":\"llama\",\"criticality\":\"Urgent\"}", "criticality must be");
        assertRefused("{\"modelName\":\"m\",\"poolRef\":\"Llama_1\"}", "poolRef must name");
        assertRefused("{\"modelName\":\"m\",\"poolRef\":\"llama\",\"targetModels\":[{\"name\":\"a\",\"weight\":1},"
                + "{\"name\":\"b\"}]}", "on every targetModels entry or on none");
        assertRefused("{\"modelName\":\"m\",\"poolRef\":\"llama\",\"targetModels\":[{\"name\":\"a\",\"weight\":0}]}",
                "all zero");
        assertRefused("{\"modelName\":\"m\",\"poolRef\":\"llama\",\"targetModels\":[{\"name\":\"a\"},{\"name\":\"a\"}]}",
                "twice");
        assertRefused("{\"modelName\":\"m\",\"poolRef\":\"llama\",\"targetModels\":[{\"name\":\"a\",\"weight\":-1}]}",
                "integer 0-1000000");
        assertRefused("[1]", "JSON object");
    }

    @Test
    void aPoolEditTakesLabelsPortsAndAFailureMode() throws Exception {
        ResourceEdits.PoolEdit e = ResourceEdits.pool(json("""
                {"selector":{"app":"vllm","example.com/tier":"gpu"},"targetPorts":[8000,{"number":8001}],
                 "failureMode":"FailClose"}"""));
        assertThat(e.selector()).containsEntry("app", "vllm").containsEntry("example.com/tier", "gpu");
        assertThat(e.targetPorts()).isEqualTo(List.of(8000, 8001));
        assertThat(e.failureMode()).isEqualTo("FailClose");
        assertThat(e.endpointPicker()).isEqualTo("inference-router");
        assertThat(e.endpointPickerPort()).isEqualTo(8080);
    }

    @Test
    void poolEditsTheIngestorWouldFlagAreRefused() {
        assertPoolRefused("{\"selector\":{},\"targetPorts\":[8000]}", "non-empty map");
        assertPoolRefused("{\"selector\":{\"app\":\"bad value!\"},\"targetPorts\":[8000]}", "not a valid Kubernetes label");
        assertPoolRefused("{\"selector\":{\"app\":\"a\"},\"targetPorts\":[]}", "1-8 port numbers");
        assertPoolRefused("{\"selector\":{\"app\":\"a\"},\"targetPorts\":[1,2,3,4,5,6,7,8,9]}", "1-8 port numbers");
        assertPoolRefused("{\"selector\":{\"app\":\"a\"},\"targetPorts\":[70000]}", "1-65535");
        assertPoolRefused("{\"selector\":{\"app\":\"a\"},\"targetPorts\":[8000,8000]}", "twice");
        assertPoolRefused("{\"selector\":{\"app\":\"a\"},\"targetPorts\":[8000],\"failureMode\":\"Maybe\"}",
                "FailOpen or FailClose");
    }

    private static void assertRefused(String body, String message) {
        assertThatThrownBy(() -> ResourceEdits.model(json(body))).isInstanceOf(AdminException.class)
                .hasMessageContaining(message).extracting(e -> ((AdminException) e).status()).isEqualTo(400);
    }

    private static void assertPoolRefused(String body, String message) {
        assertThatThrownBy(() -> ResourceEdits.pool(json(body))).isInstanceOf(AdminException.class)
                .hasMessageContaining(message);
    }
}
