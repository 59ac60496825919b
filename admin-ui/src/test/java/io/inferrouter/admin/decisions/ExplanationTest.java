package io.inferrouter.admin.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.decisions.RoutingDecision.Candidate;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExplanationTest {

    private static final long T = 1_790_000_000_000L;
    private static final ResourceKey POOL = ResourceKey.parse("llm/llama");
    private static final String CONFIG = "filters=low-queue:5,low-kv-cache:0.8,;scorers=queue:2.0,kv-cache:2.0,"
            + "prefix-cache:3.0,;picker=max-score;staleness-ms=200";

    @Test
    void aPrefixMatchThatOutweighsTheQueueSaysSoWithTheNumbers() {
        RoutingDecision d = decision(200, List.of(
                scored("pod-1", 4, 0.3, Map.of("queue", 0.0, "kv-cache", 0.7, "prefix-cache", 12 / 14.0), 4.97,
                        Map.of("prefix-cache", 12)),
                scored("pod-2", 0, 0.3, Map.of("queue", 1.0, "kv-cache", 0.7, "prefix-cache", 0.0), 3.4, Map.of()),
                filtered("pod-3", 1, 0.93, "low-kv-cache"),
                filtered("pod-4", 7, 0.1, "low-queue"),
                stale("pod-5", 900L)), List.of(attempt("pod-1", 200)));
        String text = Explanation.of(d);
        assertThat(text).contains("won: pod-1 over pod-2, 4.97 to 3.4: prefix match 12 of 14 blocks vs 0 blocks (3x +0.86)"
                + " outweighed queue 4 vs 0 (2x -1)");
        assertThat(text).contains("pod-3 (low-kv-cache: KV 0.93 >= 0.8)");
        assertThat(text).contains("pod-4 (low-queue: queue 7 > 5)");
        assertThat(text).contains("ranked last for stale metrics: pod-5 (metrics 900 ms old > 200 ms)");
        assertThat(text).contains("ended 200, served by pod-1, first byte after 95 ms, 100 prompt + 10 output tokens,"
                + " 1.5 s in all.");
    }

    @Test
    void aTieNamesTheSeededTieBreak() {
        RoutingDecision d = decision(200, List.of(
                scored("pod-1", 1, 0.2, Map.of("queue", 1.0, "kv-cache", 0.8), 3.6, Map.of()),
                scored("pod-2", 1, 0.2, Map.of("queue", 1.0, "kv-cache", 0.8), 3.6, Map.of())),
                List.of(attempt("pod-1", 200)));
        assertThat(Explanation.of(d)).contains("won: pod-1, tied with 1 other at 3.6; the picker's seeded tie-break"
                + " (seed 42) put it first.");
    }

    @Test
    void aShedRequestSaysWhyEveryEndpointWasFull() {
        RoutingDecision d = new RoutingDecision("r", T, "batch", "batch", POOL, null, Criticality.Sheddable, -1, null,
                null, false, List.of(unscored("pod-1", 6, 0.2, 50L), unscored("pod-2", 0, 0.85, 50L),
                        unscored("pod-3", 0, 0.1, 900L)), null, 0,
                new RoutingDecision.Outcome(429, "rate_limit_exceeded", null, null, null, 300, 0), T, "gateway:a",
                new RoutingDecision.Scheduling(null, null, 1, T, new RoutingDecision.Saturation(true, 5, 0.8, 200),
                        Map.of(), -1, null, 0, 3), List.of());
        assertThat(Explanation.of(d)).contains("shed (429): pool llm/llama was saturated and the request was"
                + " sheddable (Sheddable, priority -1); no endpoint had room: pod-1 queue 6 >= 5; pod-2 KV 0.85 >= 0.8;"
                + " pod-3 metrics 900 ms old > 200 ms.");
    }

    @Test
    void aRetriedRequestListsItsTries() {
        RoutingDecision d = decision(200, List.of(
                scored("pod-1", 0, 0.2, Map.of("queue", 1.0), 2, Map.of()),
                scored("pod-2", 3, 0.2, Map.of("queue", 0.0), 0, Map.of())),
                List.of(new RoutingDecision.Attempt(EndpointId.parse("llm/pod-1:8000"), null,
                        "endpoint llm/pod-1:8000 failed: connection refused", 1_200), attempt("pod-2", 200)));
        assertThat(Explanation.of(d)).contains("tried pod-1 (endpoint llm/pod-1:8000 failed: connection refused,"
                + " 1.2 ms), then pod-2 (200, 95 ms).");
    }

    @Test
    void aRequestRefusedBeforeItsBodyWasReadSaysTheModelIsUnknown() {
        RoutingDecision d = new RoutingDecision("r", T, null, null, null, null, null, 0, null, null, false, List.of(),
                null, 0, new RoutingDecision.Outcome(413, "invalid_request_error", null, null, null, 90, 0), T, "g");
        assertThat(Explanation.of(d)).startsWith("refused with 413 (invalid_request_error) before a pool was chosen:"
                + " the body was not read or not understood, so the model is unknown.");
    }

    private static RoutingDecision decision(int status, List<Candidate> candidates,
                                            List<RoutingDecision.Attempt> attempts) {
        return new RoutingDecision("r", T, "chat", "chat", POOL, null, Criticality.Standard, 0, null, "default", false,
                candidates, attempts.get(attempts.size() - 1).endpoint(), 9_000,
                new RoutingDecision.Outcome(status, null, 95_000L, 100, 10, 1_500_000, attempts.size()), T, "gateway:a",
                new RoutingDecision.Scheduling("abc", CONFIG, 42, T, new RoutingDecision.Saturation(false, 5, 0.8, 200),
                        Map.of("prefix-cache", new RoutingDecision.PrefixLookup(14, null)), 3, null, 16,
                        candidates.size()), attempts);
    }

    private static Candidate scored(String pod, int waiting, double kv, Map<String, Double> scores, double total,
                                    Map<String, Integer> prefix) {
        return new Candidate(EndpointId.parse("llm/" + pod + ":8000"), "10.0.0.1:8000", waiting, 2, kv, 40L, 0, scores,
                total, null, 0, List.of(), List.of(), null, prefix, 10L);
    }

    private static Candidate filtered(String pod, int waiting, double kv, String filter) {
        return new Candidate(EndpointId.parse("llm/" + pod + ":8000"), "10.0.0.1:8000", waiting, 2, kv, 40L, 0, Map.of(),
                0, filter, 0, List.of(), List.of(), null, Map.of(), 10L);
    }

    private static Candidate stale(String pod, long age) {
        return new Candidate(EndpointId.parse("llm/" + pod + ":8000"), "10.0.0.1:8000", 0, 2, 0.1, age, 0, Map.of(),
                0, "stale-metrics", 0, List.of(), List.of(), null, Map.of(), 10L);
    }

    private static Candidate unscored(String pod, int waiting, double kv, long age) {
        return new Candidate(EndpointId.parse("llm/" + pod + ":8000"), "10.0.0.1:8000", waiting, 2, kv, age, 0,
                Map.of(), 0, null, 0, List.of(), List.of(), null, Map.of(), 10L);
    }

    private static RoutingDecision.Attempt attempt(String pod, int status) {
        return new RoutingDecision.Attempt(EndpointId.parse("llm/" + pod + ":8000"), status, null, 95_000);
    }
}
