package io.inferrouter.schemas.decisions;

import io.inferrouter.schemas.Checks;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One request's routing decision and its outcome, written by gateway-node to the decisions topic
 * (keyed by request id) when the request ends. Replaying a window of these explains what the
 * scheduler saw and why it chose what it chose.
 *
 * @param requestId      the gateway's request id (also returned to the client as x-request-id)
 * @param receivedAtMs   when the request arrived
 * @param requestedModel the body's {@code model}
 * @param targetModel    the model sent to the endpoint after splits and rewrites
 * @param pool           the pool key chosen, or null when none matched
 * @param objective      the x-gateway-inference-objective header, or null
 * @param criticality    the effective criticality
 * @param priority       the effective priority
 * @param fairnessId     the x-gateway-inference-fairness-id header, or null
 * @param profile        the scheduler profile that decided
 * @param stream         whether the client asked for streaming
 * @param candidates     every endpoint considered, with what the scheduler saw
 * @param chosenEndpoint the endpoint id picked, or null (shed, no endpoint)
 * @param decisionNanos  time spent in the scheduler
 * @param outcome        what happened to the request
 */
public record RoutingDecision(String requestId, long receivedAtMs, String requestedModel, String targetModel,
                              ResourceKey pool, String objective, Criticality criticality, int priority,
                              String fairnessId, String profile, boolean stream, List<Candidate> candidates,
                              EndpointId chosenEndpoint, long decisionNanos, Outcome outcome,
                              long observedAtMs, String source) {

    public RoutingDecision {
        Checks.required(requestId, "requestId");
        candidates = Checks.list(candidates);
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
    }

    /**
     * One endpoint as the scheduler saw it.
     *
     * @param metricsAgeMs  age of the scraped metrics at decision time
     * @param inFlight      the gateway's own in-flight count for the endpoint
     * @param scores        per-scorer score (0..1) before weighting
     * @param totalScore    the weighted sum the picker used
     * @param filteredBy    the filter that removed it, or null if it stayed a candidate
     */
    public record Candidate(EndpointId endpoint, String address, Integer waitingRequests, Integer runningRequests,
                            Double kvCacheUsage, Long metricsAgeMs, int inFlight, Map<String, Double> scores,
                            double totalScore, String filteredBy) {
        public Candidate {
            Objects.requireNonNull(endpoint, "candidates[].endpoint is required");
            scores = Checks.map(scores);
        }
    }

    /**
     * @param status       HTTP status returned to the client
     * @param errorType    OpenAI error type when the request failed
     * @param ttftMicros   time to first byte of the response body from the endpoint
     * @param promptTokens from the response usage, when known
     * @param outputTokens from the response usage or counted stream chunks, when known
     * @param totalMicros  time from arrival to the end of the response
     * @param attempts     endpoints tried (2 when the first failed before its first byte)
     */
    public record Outcome(int status, String errorType, Long ttftMicros, Integer promptTokens, Integer outputTokens,
                          long totalMicros, int attempts) {
        public Outcome {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("status must be an HTTP status, was " + status);
            }
        }
    }
}
