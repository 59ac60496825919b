package io.inferrouter.admin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.schemas.resources.ResourceKey;
import org.junit.jupiter.api.Test;

class PathKeysTest {

    @Test
    void pathNamesMustBeKubernetesNames() {
        assertThatThrownBy(() -> PathKeys.resourceKey("LLM", "x")).hasMessageContaining("DNS-1123 label")
                .extracting(e -> ((AdminException) e).status()).isEqualTo(400);
        assertThatThrownBy(() -> PathKeys.resourceKey("llm", "x_y")).hasMessageContaining("DNS-1123 subdomain")
                .extracting(e -> ((AdminException) e).status()).isEqualTo(400);
        assertThat(PathKeys.resourceKey("llm", "chat.v1")).isEqualTo(ResourceKey.of("llm", "chat.v1"));
    }
}
