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
 * @param scheduling     what else the decision read, captured when it was made (version 5; null before, and
 *                       when the request was refused before a pool was chosen)
 * @param attempts       every endpoint tried, in order, with how it went (version 5; empty before)
 */
public record RoutingDecision(String requestId, long receivedAtMs, String requestedModel, String targetModel,
                              ResourceKey pool, String objective, Criticality criticality, int priority,
                              String fairnessId, String profile, boolean stream, List<Candidate> candidates,
                              EndpointId chosenEndpoint, long decisionNanos, Outcome outcome,
                              long observedAtMs, String source, Scheduling scheduling, List<Attempt> attempts) {

    public RoutingDecision {
        Checks.required(requestId, "requestId");
        candidates = Checks.list(candidates);
        Checks.observedAt(observedAtMs);
        source = Checks.source(source);
        attempts = Checks.list(attempts);
    }

    /** A decision as version 4 wrote it: nothing about the cycle, no attempts. */
    public RoutingDecision(String requestId, long receivedAtMs, String requestedModel, String targetModel,
                           ResourceKey pool, String objective, Criticality criticality, int priority,
                           String fairnessId, String profile, boolean stream, List<Candidate> candidates,
                           EndpointId chosenEndpoint, long decisionNanos, Outcome outcome, long observedAtMs,
                           String source) {
        this(requestId, receivedAtMs, requestedModel, targetModel, pool, objective, criticality, priority, fairnessId,
                profile, stream, candidates, chosenEndpoint, decisionNanos, outcome, observedAtMs, source, null,
                List.of());
    }

    /**
     * What a scheduling cycle read besides the candidates, so it can be explained and re-run.
     *
     * @param configHash       the hash of the profile's configuration
     * @param profileConfig    the profile's configuration in its canonical form
     *                         ({@code filters=...;scorers=name:weight,...;picker=...;staleness-ms=...})
     * @param seed             the tie-break seed the picker used
     * @param decidedAtMs      the time the cycle decided at: metric ages are measured against it
     * @param saturation       the saturation check and its thresholds, or null when it was not made (fail-open)
     * @param prefix           what each prefix scorer looked up, by scorer name
     * @param poolRowOffset    the pool row's offset in its table topic, -1 when unknown
     * @param promptHashes     the prompt's block hashes (64-bit, base64 of big-endian longs), the precise
     *                         scorer's when it had them, else the approximate ones; null when none was computed
     * @param promptHashTokens tokens per block of {@code promptHashes} (the approximate scorer's are nominal:
     *                         4 characters a token)
     * @param poolSize         endpoints in the pool snapshot (the candidates list may be cut shorter)
     */
    public record Scheduling(String configHash, String profileConfig, long seed, long decidedAtMs,
                             Saturation saturation, Map<String, PrefixLookup> prefix, long poolRowOffset,
                             String promptHashes, int promptHashTokens, int poolSize) {
        public Scheduling {
            prefix = Checks.map(prefix);
        }
    }

    /**
     * The pool's saturation check: saturated when no endpoint has fresh metrics, a queue below
     * {@code queueThreshold} and KV-cache usage below {@code kvCacheThreshold}.
     */
    public record Saturation(boolean saturated, int queueThreshold, double kvCacheThreshold, long stalenessMs) {
    }

    /**
     * One prefix scorer's lookup: the prompt's blocks, or why it fell back to the approximate scorer.
     * Each candidate's matched blocks are in {@link Candidate#prefixBlocks()}.
     */
    public record PrefixLookup(int promptBlocks, String fallback) {
    }

    /**
     * One try of one endpoint.
     *
     * @param status the response's status, or null when none came (connect, reset, timeout)
     * @param error  why the try failed, or null when the endpoint answered below 500
     * @param micros from sending to the response head (or the failure)
     */
    public record Attempt(EndpointId endpoint, Integer status, String error, long micros) {
        public Attempt {
            Objects.requireNonNull(endpoint, "attempts[].endpoint is required");
        }
    }

    /**
     * One endpoint as the scheduler saw it.
     *
     * @param waitingRequests      the scraped queue, null when unknown
     * @param metricsAgeMs         age of the scraped metrics at decision time
     * @param inFlight             requests in flight to it (this gateway's and its live peers'), as the cycle read it
     * @param scores               per-scorer score (0..1) before weighting
     * @param totalScore           the weighted sum the picker used
     * @param filteredBy           the filter that removed it, "stale-metrics", or null if it stayed a candidate
     * @param inFlightSinceMetrics of {@code inFlight}, those added since its metrics were taken (version 5)
     * @param loraRunning          adapters running, as scraped (version 5)
     * @param loraWaiting          adapters waiting, as scraped (version 5)
     * @param maxLora              LoRA slots, null when not reported (version 5)
     * @param prefixBlocks         leading prompt blocks it holds, per prefix scorer; absent: none (version 5)
     * @param rowOffset            its row's offset in the endpoints table topic, the version read; -1 unknown
     */
    public record Candidate(EndpointId endpoint, String address, Integer waitingRequests, Integer runningRequests,
                            Double kvCacheUsage, Long metricsAgeMs, int inFlight, Map<String, Double> scores,
                            double totalScore, String filteredBy, Integer inFlightSinceMetrics,
                            List<String> loraRunning, List<String> loraWaiting, Integer maxLora,
                            Map<String, Integer> prefixBlocks, Long rowOffset) {
        public Candidate {
            Objects.requireNonNull(endpoint, "candidates[].endpoint is required");
            scores = Checks.map(scores);
            loraRunning = Checks.list(loraRunning);
            loraWaiting = Checks.list(loraWaiting);
            prefixBlocks = Checks.map(prefixBlocks);
        }

        /** A candidate as version 4 wrote it. */
        public Candidate(EndpointId endpoint, String address, Integer waitingRequests, Integer runningRequests,
                         Double kvCacheUsage, Long metricsAgeMs, int inFlight, Map<String, Double> scores,
                         double totalScore, String filteredBy) {
            this(endpoint, address, waitingRequests, runningRequests, kvCacheUsage, metricsAgeMs, inFlight, scores,
                    totalScore, filteredBy, null, List.of(), List.of(), null, Map.of(), null);
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
