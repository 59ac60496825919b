package io.inferrouter.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferrouter.gateway.errors.GatewayException;
import io.inferrouter.gateway.tables.RoutingSnapshot;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.InferenceModelRewrite;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.TargetModel;
import io.inferrouter.schemas.tables.ModelRow;
import io.inferrouter.schemas.tables.ObjectiveRow;
import io.inferrouter.schemas.tables.RewriteRow;
import io.inferrouter.schemas.tables.RouteRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelResolverTest {

    private final ModelResolver resolver = new ModelResolver(new Random(7));

    private static ResourceKey key(String text) {
        return ResourceKey.parse(text);
    }

    private static ModelRow model(String pool, String name, Criticality c, TargetModel... targets) {
        return new ModelRow(key("llm/" + name), key(pool), name, c, List.of(targets), RowStatus.Accepted, List.of(), 1,
                1);
    }

    private static RoutingSnapshot snapshot(Map<String, List<ModelRow>> models,
                                            Map<ResourceKey, Map<String, ObjectiveRow>> objectives,
                                            Map<String, List<RoutingSnapshot.RewriteMatch>> rewrites,
                                            List<RouteRow> routes) {
        return new RoutingSnapshot(Map.of(), models, objectives, rewrites, routes, 1);
    }

    private Target resolve(RoutingSnapshot s, String model) {
        return resolver.resolve(s, model, "/v1/chat/completions", "POST", h -> null, null);
    }

    @Test
    void anInferenceModelPicksItsPoolAndCriticality() {
        RoutingSnapshot s = snapshot(Map.of("chat", List.of(model("llm/llama", "chat", Criticality.Critical))),
                Map.of(), Map.of(), List.of());
        Target t = resolve(s, "chat");
        assertThat(t.pool()).isEqualTo(key("llm/llama"));
        assertThat(t.targetModel()).isEqualTo("chat");
        assertThat(t.critical()).isTrue();
        assertThat(t.sheddable()).isFalse();
    }

    @Test
    void anUnknownModelIs404() {
        RoutingSnapshot s = snapshot(Map.of(), Map.of(), Map.of(), List.of());
        assertThatThrownBy(() -> resolve(s, "nope")).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void targetModelWeightsSplitTrafficWithinTolerance() {
        RoutingSnapshot s = snapshot(Map.of("chat", List.of(model("llm/llama", "chat", Criticality.Standard,
                new TargetModel("v1", 90), new TargetModel("v2", 10)))), Map.of(), Map.of(), List.of());
        Map<String, Integer> counts = new HashMap<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            counts.merge(resolve(s, "chat").targetModel(), 1, Integer::sum);
        }
        // 10% of 20,000: sd = sqrt(n p (1-p)) ~ 42; five sd is ~212.
        assertThat(counts.get("v2")).isBetween(2_000 - 212, 2_000 + 212);
        assertThat(counts.get("v1") + counts.get("v2")).isEqualTo(n);
    }

    @Test
    void aRewriteReplacesTheModelByWeightAndTheTargetsInferenceModelApplies() {
        RewriteRow rw = new RewriteRow(key("llm/alias"), key("llm/llama"), List.of(new InferenceModelRewrite.Rule(
                List.of(new InferenceModelRewrite.ModelMatch("Exact", "gpt-4o")),
                List.of(new InferenceModelRewrite.Target("chat", 70), new InferenceModelRewrite.Target("small", 30)))),
                RowStatus.Accepted, List.of(), 1, 1);
        RoutingSnapshot s = snapshot(Map.of("chat", List.of(model("llm/llama", "chat", Criticality.Sheddable))),
                Map.of(), Map.of("gpt-4o", List.of(new RoutingSnapshot.RewriteMatch(key("llm/llama"), rw, 0))), List.of());
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            Target t = resolve(s, "gpt-4o");
            assertThat(t.requestedModel()).isEqualTo("gpt-4o");
            counts.merge(t.targetModel(), 1, Integer::sum);
            if (t.targetModel().equals("chat")) {
                assertThat(t.sheddable()).isTrue();
            }
        }
        assertThat(counts.get("small")).isBetween(3_000 - 230, 3_000 + 230);
    }

    @Test
    void aMatchingRouteChoosesThePoolByWeight() {
        RouteRow route = new RouteRow(key("llm/r"), List.of(), List.of(new RouteRow.Rule(List.of(new HttpRoute.Match(
                new HttpRoute.PathMatch("PathPrefix", "/v1"), List.of(), null)),
                List.of(new RouteRow.WeightedPool(key("llm/a"), 3), new RouteRow.WeightedPool(key("llm/b"), 1)))),
                RowStatus.Accepted, List.of(), 1);
        RoutingSnapshot s = snapshot(Map.of(), Map.of(), Map.of(), List.of(route));
        Map<ResourceKey, Integer> counts = new HashMap<>();
        for (int i = 0; i < 8_000; i++) {
            Target t = resolve(s, "any-model");
            counts.merge(t.pool(), 1, Integer::sum);
            assertThat(t.targetModel()).isEqualTo("any-model");
        }
        assertThat(counts.get(key("llm/b"))).isBetween(2_000 - 200, 2_000 + 200);
    }

    @Test
    void headerMatchesSelectTheMoreSpecificRule() {
        RouteRow.Rule gold = new RouteRow.Rule(List.of(new HttpRoute.Match(new HttpRoute.PathMatch("PathPrefix", "/v1"),
                List.of(new HttpRoute.HeaderMatch("Exact", "x-tier", "gold")), null)),
                List.of(new RouteRow.WeightedPool(key("llm/gold"), 1)));
        RouteRow.Rule any = new RouteRow.Rule(List.of(new HttpRoute.Match(new HttpRoute.PathMatch("PathPrefix", "/v1"),
                List.of(), null)), List.of(new RouteRow.WeightedPool(key("llm/std"), 1)));
        RoutingSnapshot s = snapshot(Map.of(), Map.of(), Map.of(),
                List.of(new RouteRow(key("llm/r"), List.of(), List.of(any, gold), RowStatus.Accepted, List.of(), 1)));
        assertThat(resolver.resolve(s, "m", "/v1/completions", "POST", h -> h.equals("x-tier") ? "gold" : null, null)
                .pool()).isEqualTo(key("llm/gold"));
        assertThat(resolver.resolve(s, "m", "/v1/completions", "POST", h -> null, null).pool())
                .isEqualTo(key("llm/std"));
        assertThat(RouteMatcher.match(s.routes(), "/v2/x", "POST", h -> null)).isNull();
    }

    @Test
    void anObjectiveOfThePoolSetsThePriority() {
        RoutingSnapshot s = snapshot(Map.of("chat", List.of(model("llm/llama", "chat", Criticality.Standard))),
                Map.of(key("llm/llama"), Map.of(
                        "batch", new ObjectiveRow(key("llm/batch"), key("llm/llama"), -1, RowStatus.Accepted, List.of(), 1),
                        "vip", new ObjectiveRow(key("llm/vip"), key("llm/llama"), 10, RowStatus.Accepted, List.of(), 1))),
                Map.of(), List.of());
        assertThat(resolver.resolve(s, "chat", "/v1/completions", "POST", h -> null, "batch").sheddable()).isTrue();
        assertThat(resolver.resolve(s, "chat", "/v1/completions", "POST", h -> null, "vip").critical()).isTrue();
        Target unknown = resolver.resolve(s, "chat", "/v1/completions", "POST", h -> null, "nope");
        assertThat(unknown.priority()).isZero();
        assertThat(unknown.objective()).isEqualTo("nope");
    }
}
