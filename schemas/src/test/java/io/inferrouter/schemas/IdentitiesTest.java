package io.inferrouter.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Identities are parsed once and written as the same strings as before they were types. */
class IdentitiesTest {

    @Test
    void resourceKeyReadsAndWritesNamespaceSlashName() throws Exception {
        ResourceKey key = ResourceKey.parse("llm/llama");
        assertThat(key.namespace()).isEqualTo("llm");
        assertThat(key.name()).isEqualTo("llama");
        assertThat(Json.mapper().writeValueAsString(Map.of("k", key))).isEqualTo("{\"k\":\"llm/llama\"}");
        assertThat(Json.mapper().readValue("\"llm/llama\"", ResourceKey.class)).isEqualTo(key);
        assertThat(key.sibling("batch")).hasToString("llm/batch");
    }

    @Test
    void malformedResourceKeysAreRefusedWithTheText() {
        for (String bad : new String[] {"llama", "/llama", "llm/", " /x", "x/ "}) {
            assertThatThrownBy(() -> ResourceKey.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("namespace");
            assertThat(ResourceKey.isValid(bad)).as(bad).isFalse();
        }
        assertThat(ResourceKey.isValid("llm/llama")).isTrue();
    }

    @Test
    void aReferenceWithASlashInItsNameIsKeptAsWrittenAndNamesNoObject() {
        ResourceKey ref = ResourceKey.parse("llm/a/b");
        assertThat(ref.namespace()).isEqualTo("llm");
        assertThat(ref.name()).isEqualTo("a/b");
        assertThat(ref).hasToString("llm/a/b");
        assertThat(ref).isNotEqualTo(ResourceKey.parse("llm/a"));
    }

    @Test
    void endpointIdReadsAndWritesNamespaceSlashPodColonPort() throws Exception {
        EndpointId id = EndpointId.parse("llm/llama-0:8000");
        assertThat(id.podKey()).isEqualTo(ResourceKey.parse("llm/llama-0"));
        assertThat(EndpointId.of(ResourceKey.parse("llm/llama-0"), 8000)).isEqualTo(id);
        assertThat(Json.mapper().writeValueAsString(id)).isEqualTo("\"llm/llama-0:8000\"");
        assertThat(Json.mapper().readValue("\"llm/llama-0:8000\"", EndpointId.class)).isEqualTo(id);
        assertThatThrownBy(() -> EndpointId.parse("llm/llama-0:http")).hasMessageContaining("numeric port");
    }

    @Test
    void keysSortLikeTheirTextForm() {
        List<String> keys = List.of("a/y", "a-b/x", "a/x", "ab/a", "a.b/z", "a/y-1", "b/a", "a/a/b");
        List<String> byText = keys.stream().sorted().toList();
        assertThat(keys.stream().map(ResourceKey::parse).sorted().map(ResourceKey::toString).toList())
                .isEqualTo(byText);
        List<String> ids = List.of("n/p:9", "n/p:10", "n/p-1:8000", "n/pa:1", "n-1/p:1", "n/p:8000", "m/z:1");
        assertThat(ids.stream().map(EndpointId::parse).sorted().map(EndpointId::toString).toList())
                .isEqualTo(ids.stream().sorted().toList());
    }

    @Test
    void aFailedScrapeKeepsTheLastGoodLoadAndTheLaterSuccessTime() {
        EndpointMetrics good = Samples.metrics();
        EndpointMetrics failed = EndpointMetrics.failed(good.endpoint(), good.address(), good.port(), "vllm",
                "timeout", 250_000, 0, good.observedAtMs() + 50, "scraper:x");
        EndpointMetrics kept = failed.withLastGood(good);
        assertThat(kept.failed()).isTrue();
        assertThat(kept.report().load()).isEqualTo(good.report().load());
        assertThat(kept.report().cache()).isEqualTo(good.report().cache());
        assertThat(kept.report().scrape().lastSuccessAtMs()).isEqualTo(good.observedAtMs());
        assertThat(kept.observedAtMs()).isEqualTo(good.observedAtMs() + 50);
        EngineReport fresh = good.report();
        assertThat(fresh.withLastGood(failed.report())).isSameAs(fresh);
    }
}
