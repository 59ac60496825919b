package io.inferrouter.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.resources.HttpRoute;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.RouteRow;
import io.inferrouter.schemas.tables.RowStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteMatcherTest {

    private static RouteRow route(String name, HttpRoute.Match match, String pool) {
        return new RouteRow(ResourceKey.of("llm", name), List.of(), List.of(new RouteRow.Rule(List.of(match),
                List.of(new RouteRow.WeightedPool(ResourceKey.parse(pool), 1)))), RowStatus.Accepted, List.of(), 1);
    }

    @Test
    void regularExpressionPathAndHeaderMatchesAreWholeValueMatches() {
        List<RouteRow> routes = List.of(
                route("by-path", new HttpRoute.Match(new HttpRoute.PathMatch("RegularExpression", "/v1/(chat/)?completions"),
                        List.of(), null), "llm/a"),
                route("by-header", new HttpRoute.Match(null,
                        List.of(new HttpRoute.HeaderMatch("RegularExpression", "x-tier", "gold|platinum")), null), "llm/b"));
        Map<String, String> gold = Map.of("x-tier", "gold");
        Map<String, String> goldish = Map.of("x-tier", "golden");
        for (int i = 0; i < 3; i++) { // the second and third calls use the compiled patterns
            assertThat(RouteMatcher.match(routes, "/v1/chat/completions", "POST", h -> null))
                    .extracting(RouteRow.WeightedPool::pool).containsExactly(ResourceKey.of("llm", "a"));
            assertThat(RouteMatcher.match(routes, "/v2/embeddings", "POST", gold::get))
                    .extracting(RouteRow.WeightedPool::pool).containsExactly(ResourceKey.of("llm", "b"));
            assertThat(RouteMatcher.match(routes, "/v2/embeddings", "POST", goldish::get)).isNull();
        }
    }
}
