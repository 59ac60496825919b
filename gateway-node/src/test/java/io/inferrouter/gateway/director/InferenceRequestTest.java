package io.inferrouter.gateway.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.schemas.serde.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InferenceRequestTest {

    private static InferenceRequest chat(String json) {
        return InferenceRequest.parse(InferenceRequest.Kind.CHAT, json.getBytes(StandardCharsets.UTF_8));
    }

    private static InferenceRequest completion(String json) {
        return InferenceRequest.parse(InferenceRequest.Kind.COMPLETIONS, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void chatMessagesBecomeThePromptText() {
        InferenceRequest r = chat("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}");
        assertThat(r.model()).isEqualTo("m");
        assertThat(r.stream()).isTrue();
        assertThat(r.prompt()).isEqualTo("system: S\nuser: hi\n");
    }

    @Test
    void completionPromptsMayBeStringsOrArrays() {
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"abc\"}").prompt()).isEqualTo("abc");
        assertThat(completion("{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}").prompt()).isEqualTo("a\nb\n");
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"abc\"}").stream()).isFalse();
    }

    @Test
    void badBodiesAre400WithTheReason() {
        assertThatThrownBy(() -> chat("not json")).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.status()).isEqualTo(400)).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> chat("[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> chat("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                .hasMessageContaining("'model' is required");
        assertThatThrownBy(() -> chat("{\"model\":\"m\"}")).hasMessageContaining("'messages' is required");
        assertThatThrownBy(() -> chat("{\"model\":\"m\",\"stream\":\"yes\",\"messages\":[{\"content\":\"x\"}]}"))
                .hasMessageContaining("'stream' must be a boolean");
        assertThatThrownBy(() -> completion("{\"model\":\"m\"}")).hasMessageContaining("'prompt' is required");
        assertThatThrownBy(() -> completion("{\"model\":\"m\",\"prompt\":{}}")).hasMessageContaining("'prompt' must be");
    }

    @Test
    void theBodyIsForwardedAsItIsUnlessTheModelChanges() throws Exception {
        String json = "{\"model\":\"m\",  \"prompt\":\"abc\"}";
        InferenceRequest r = completion(json);
        assertThat(new String(r.bodyFor("m"), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(Json.mapper().readTree(r.bodyFor("v2")).get("model").asText()).isEqualTo("v2");
        assertThat(Json.mapper().readTree(r.bodyFor("v2")).get("prompt").asText()).isEqualTo("abc");
    }
}
