package io.inferrouter.admin.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.admin.api.AdminException;
import io.inferrouter.schemas.Samples;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionFilterTest {

    private static final RoutingDecision OK = Samples.decision();
    private static final RoutingDecision SHED = new RoutingDecision("req-2", OK.receivedAtMs(), "batch", "batch",
            ResourceKey.of("llm", "qwen"), null, OK.criticality(), -1, null, "default", false, OK.candidates(), null,
            1_000, new RoutingDecision.Outcome(429, "shed", null, null, null, 300, 0), OK.observedAtMs(), OK.source());

    @Test
    void anEmptyFilterMatchesEverything() {
        assertThat(DecisionFilter.ALL.test(OK)).isTrue();
        assertThat(DecisionFilter.of(Map.of("model", " ", "status", "")).test(SHED)).isTrue();
    }

    @Test
    void modelMatchesTheRequestedOrTheTargetName() {
        assertThat(DecisionFilter.of(Map.of("model", "chat")).test(OK)).isTrue();
        assertThat(DecisionFilter.of(Map.of("model", "llama-v1")).test(OK)).isTrue();
        assertThat(DecisionFilter.of(Map.of("model", "llama-v2")).test(OK)).isFalse();
    }

    @Test
    void statusMatchesAnExactCodeAClassOrAnyError() {
        assertThat(DecisionFilter.of(Map.of("status", "429")).test(SHED)).isTrue();
        assertThat(DecisionFilter.of(Map.of("status", "429")).test(OK)).isFalse();
        assertThat(DecisionFilter.of(Map.of("status", "4xx")).test(SHED)).isTrue();
        assertThat(DecisionFilter.of(Map.of("status", "2xx")).test(OK)).isTrue();
        assertThat(DecisionFilter.of(Map.of("status", "error")).test(SHED)).isTrue();
        assertThat(DecisionFilter.of(Map.of("status", "error")).test(OK)).isFalse();
    }

    @Test
    void poolAndEndpointMatchExactly() {
        assertThat(DecisionFilter.of(Map.of("pool", "llm/llama", "endpoint", "llm/llama-0:8000")).test(OK)).isTrue();
        assertThat(DecisionFilter.of(Map.of("pool", "llm/llama", "endpoint", "llm/llama-1:8000")).test(OK)).isFalse();
        assertThat(DecisionFilter.of(Map.of("endpoint", "llm/llama-0:8000")).test(SHED)).isFalse();
    }

    @Test
    void aPoolOrEndpointThatIsNoIdMatchesNothing() {
        assertThat(DecisionFilter.of(Map.of("pool", "llama")).test(OK)).isFalse();
        assertThat(DecisionFilter.of(Map.of("endpoint", "llm/llama-0")).test(OK)).isFalse();
        assertThat(DecisionFilter.of(Map.of("pool", "llm/llama")).test(OK)).isTrue();
    }

    @Test
    void aBadStatusIsAClearError() {
        assertThatThrownBy(() -> DecisionFilter.of(Map.of("status", "teapot")))
                .isInstanceOf(AdminException.class).hasMessageContaining("status must be");
    }
}
