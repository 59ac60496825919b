package io.inferrouter.ingestor.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.FailureMode;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.InferenceObjective;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceMapperTest {

    private final ResourceMapper mapper = new ResourceMapper("test");

    private static List<HasMetadata> load(String file) throws Exception {
        KubernetesSerialization yaml = new KubernetesSerialization();
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : Files.readString(Path.of("src/test/resources/manifests", file)).split("(?m)^---\\s*$")) {
            out.add(yaml.unmarshal(doc));
        }
        return out;
    }

    private HasMetadata named(String file, String name) throws Exception {
        return load(file).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void bothPoolVersionsNormalizeToOneShape() throws Exception {
        InferencePool v1 = (InferencePool) mapper.map(named("pools.yaml", "llama"), 5);
        assertThat(v1.apiVersion()).isEqualTo(InferencePool.API_V1);
        assertThat(v1.selector()).isEqualTo(Map.of("app", "vllm-llama"));
        assertThat(v1.targetPorts()).containsExactly(8000);
        assertThat(v1.failureMode()).isEqualTo(FailureMode.FailOpen);
        assertThat(v1.endpointPicker().port()).isEqualTo(9002);
        assertThat(v1.valid()).isTrue();
        InferencePool old = (InferencePool) mapper.map(named("pools.yaml", "qwen"), 5);
        assertThat(old.apiVersion()).isEqualTo(InferencePool.API_V1ALPHA2);
        assertThat(old.selector()).isEqualTo(Map.of("app", "vllm-qwen"));
        assertThat(old.targetPorts()).containsExactly(8000);
        assertThat(old.failureMode()).isEqualTo(FailureMode.FailClose);
        assertThat(old.observedAtMs()).isEqualTo(5);
    }

    @Test
    void modelsObjectivesRewritesAndRoutesKeepTheirFields() throws Exception {
        InferenceModel chat = (InferenceModel) mapper.map(named("models.yaml", "chat"), 1);
        assertThat(chat.criticality()).isEqualTo(Criticality.Critical);
        assertThat(chat.targetModels()).hasSize(2);
        assertThat(chat.poolRef().name()).isEqualTo("llama");
        InferenceObjective batch = (InferenceObjective) mapper.map(named("models.yaml", "batch"), 1);
        assertThat(batch.priority()).isEqualTo(-1);
        InferenceModelRewrite alias = (InferenceModelRewrite) mapper.map(named("models.yaml", "alias"), 1);
        assertThat(alias.rules().get(0).targets()).extracting(InferenceModelRewrite.Target::weight).containsExactly(70, 30);
        HttpRoute route = (HttpRoute) mapper.map(named("models.yaml", "route"), 1);
        assertThat(route.rules().get(0).matches().get(0).headers().get(0).value()).isEqualTo("gold");
        assertThat(route.rules().get(0).backendRefs()).allMatch(HttpRoute.BackendRef::isInferencePool);
    }

    @Test
    void badFieldsBecomeValidationErrorsNotLostResources() throws Exception {
        InferenceModel half = (InferenceModel) mapper.map(named("models.yaml", "half-weighted"), 1);
        assertThat(half.valid()).isFalse();
        assertThat(half.validationErrors()).anyMatch(e -> e.contains("criticality"))
                .anyMatch(e -> e.contains("weight to all targets or to none"));
    }

    @Test
    void aPoolWithoutSelectorOrWithTooManyPortsIsInvalid() {
        GenericKubernetesResource bad = new GenericKubernetesResource();
        bad.setApiVersion(InferencePool.API_V1);
        bad.setKind("InferencePool");
        bad.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("bad").withNamespace("llm").build());
        List<Map<String, Object>> ports = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            ports.add(Map.of("number", 8000 + i));
        }
        bad.setAdditionalProperty("spec", Map.of("targetPorts", ports));
        InferencePool pool = mapper.pool(bad, 1);
        assertThat(pool.validationErrors()).anyMatch(e -> e.contains("selector"))
                .anyMatch(e -> e.contains("1-8 target ports"));
    }

    @Test
    void podsCarryIpLabelsAndReadiness() throws Exception {
        Pod p = (Pod) mapper.map(named("pods.yaml", "llama-0"), 1);
        assertThat(p.ip()).isEqualTo("10.0.0.1");
        assertThat(p.ready()).isTrue();
        assertThat(p.routable()).isTrue();
        assertThat(p.containerPorts()).containsExactly(8000);
        Pod other = (Pod) mapper.map(named("pods.yaml", "unrelated"), 1);
        assertThat(other.ready()).isFalse();
    }

    @Test
    void aModelWithoutPoolRefCannotBeMapped() {
        GenericKubernetesResource m = new GenericKubernetesResource();
        m.setApiVersion("inference.networking.x-k8s.io/v1alpha2");
        m.setKind("InferenceModel");
        m.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("m").withNamespace("llm").build());
        m.setAdditionalProperty("spec", Map.of("modelName", "x"));
        assertThatThrownBy(() -> mapper.map(m, 1)).isInstanceOf(UnmappableResourceException.class)
                .hasMessageContaining("poolRef");
    }

    @Test
    void poolPortsSelectorsAndPickerRefsAreChecked() throws Exception {
        InferencePool pool = (InferencePool) mapper.map(named("invalid.yaml", "bad-ports"), 1);
        assertThat(pool.validationErrors()).anyMatch(e -> e.contains("matchExpressions is not supported"))
                .anyMatch(e -> e.contains("70000 is outside 1-65535"))
                .anyMatch(e -> e.contains("must be distinct"))
                .anyMatch(e -> e.contains("endpointPickerRef.name is required"))
                .anyMatch(e -> e.contains("failureMode must be FailOpen or FailClose"));
        assertThat(pool.targetPorts()).as("only usable ports are kept").containsExactly(8000);
        InferencePool selector = (InferencePool) mapper.map(named("invalid.yaml", "bad-selector"), 1);
        assertThat(selector.validationErrors()).anyMatch(e -> e.contains("invalid label"));
    }

    @Test
    void rewriteRulesAndRouteMatchesAreChecked() throws Exception {
        InferenceModelRewrite rewrite = (InferenceModelRewrite) mapper.map(named("invalid.yaml", "bad-rewrite"), 1);
        assertThat(rewrite.poolRef()).isNull();
        assertThat(rewrite.validationErrors()).anyMatch(e -> e.contains("type must be Exact"))
                .anyMatch(e -> e.contains("weight to all targets or to none"));
        HttpRoute route = (HttpRoute) mapper.map(named("invalid.yaml", "bad-route"), 1);
        assertThat(route.validationErrors()).anyMatch(e -> e.contains("path.type must be one of"))
                .anyMatch(e -> e.contains("headers[].type must be one of"))
                .anyMatch(e -> e.contains("weight must be 0-1000000"));
        assertThat(route.rules().get(0).backendRefs()).as("the bad backend is left out").isEmpty();
    }

    @Test
    void objectivesNeedAPoolAndAnIntegerPriority() throws Exception {
        assertThatThrownBy(() -> mapper.map(named("invalid.yaml", "no-pool"), 1))
                .isInstanceOf(UnmappableResourceException.class).hasMessageContaining("llm/no-pool")
                .hasMessageContaining("spec.poolRef.name");
        InferenceObjective o = (InferenceObjective) mapper.map(named("invalid.yaml", "fractional"), 1);
        assertThat(o.priority()).isNull();
        assertThat(o.validationErrors()).anyMatch(e -> e.contains("spec.priority must be an integer"));
    }

    @Test
    void informerObjectsWithoutApiVersionAndKindAreMappedByTheInformersKind() throws Exception {
        GenericKubernetesResource r = (GenericKubernetesResource) named("pools.yaml", "llama");
        r.setApiVersion(null);
        r.setKind(null);
        InferencePool pool = (InferencePool) mapper.map(Kinds.INFERENCE_POOL_V1, r, 1);
        assertThat(pool.apiVersion()).isEqualTo(InferencePool.API_V1);
        assertThat(pool.selector()).containsEntry("app", "vllm-llama");
    }

    @Test
    void aTerminatingPodIsNotRoutable() throws Exception {
        io.fabric8.kubernetes.api.model.Pod p = (io.fabric8.kubernetes.api.model.Pod) named("pods.yaml", "llama-0");
        p.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        Pod pod = mapper.pod(p, 1);
        assertThat(pod.ready()).isTrue();
        assertThat(pod.terminating()).isTrue();
        assertThat(pod.routable()).isFalse();
    }
}
