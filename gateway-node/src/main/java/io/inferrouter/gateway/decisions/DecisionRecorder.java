package io.inferrouter.gateway.decisions;

import io.inferrouter.gateway.proxy.Usage;
import io.inferrouter.gateway.routing.Target;
import io.inferrouter.gateway.scheduler.Decision;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what happens to one request into a {@link RoutingDecision}: a draft filled in as the
 * request goes, turned into the event (with at most the configured number of candidates, best
 * first) when it ends.
 */
public final class DecisionRecorder {

    private final String source;
    private final int maxCandidates;
    private final DecisionSink log;

    /** @param log where events go; null when the decision log is disabled */
    public DecisionRecorder(String nodeId, int maxCandidates, DecisionSink log) {
        this.source = "gateway:" + nodeId;
        this.maxCandidates = maxCandidates;
        this.log = log;
    }

    public Draft start(String requestId, long receivedAtMs) {
        return new Draft(requestId, receivedAtMs);
    }

    public void finish(Draft d, int status, long totalNanos) {
        if (log == null) {
            return;
        }
        log.record(d.build(status, totalNanos, source, maxCandidates));
    }

    /** One request's decision so far. Used by the request's own thread only. */
    public static final class Draft {
        private final String requestId;
        private final long receivedAtMs;
        private String model;
        private boolean stream;
        private String objective;
        private String fairnessId;
        private Target target;
        private Decision decision;
        private long decidedAtMs;
        private Endpoint chosen;
        private int attempts;
        private Long ttftMicros;
        private Usage usage;
        private String errorType;

        Draft(String requestId, long receivedAtMs) {
            this.requestId = requestId;
            this.receivedAtMs = receivedAtMs;
        }

        public String requestId() {
            return requestId;
        }

        public String model() {
            return model;
        }

        public ResourceKey pool() {
            return target == null ? null : target.pool();
        }

        public void request(String model, boolean stream, String objective, String fairnessId) {
            this.model = model;
            this.stream = stream;
            this.objective = objective;
            this.fairnessId = fairnessId;
        }

        public void target(Target target) {
            this.target = target;
        }

        public void decision(Decision decision, long atMs) {
            this.decision = decision;
            this.decidedAtMs = atMs;
        }

        public void chosen(Endpoint endpoint, int attempts) {
            this.chosen = endpoint;
            this.attempts = attempts;
        }

        public void firstByte(long nanos) {
            this.ttftMicros = nanos / 1_000;
        }

        public void usage(Usage usage) {
            this.usage = usage;
        }

        public void error(String type) {
            this.errorType = type;
        }

        RoutingDecision build(int status, long totalNanos, String source, int maxCandidates) {
            List<RoutingDecision.Candidate> candidates = new ArrayList<>();
            if (decision != null) {
                for (Decision.Scored s : decision.scored()) {
                    if (candidates.size() >= maxCandidates) {
                        break;
                    }
                    Endpoint e = s.endpoint();
                    Map<String, Double> scores = new LinkedHashMap<>();
                    for (int i = 0; i < s.scores().length; i++) {
                        scores.put(decision.scorerNames().get(i), s.scores()[i]);
                    }
                    long age = e.metricsAgeMs(decidedAtMs);
                    EngineLoad load = e.report() == null ? EngineLoad.UNKNOWN : e.report().load();
                    candidates.add(new RoutingDecision.Candidate(e.id(), e.hostPort(), load.waitingRequests(),
                            load.runningRequests(), load.kvCacheUsage(), age == Long.MAX_VALUE ? null : age,
                            e.load().inFlight(), scores, s.total(), s.filteredBy()));
                }
            }
            Criticality criticality = target == null ? null : target.criticality();
            return new RoutingDecision(requestId, receivedAtMs, model, target == null ? null : target.targetModel(),
                    target == null ? null : target.pool(), objective, criticality,
                    target == null ? 0 : target.priority(), fairnessId, decision == null ? null : decision.profile(),
                    stream, candidates, chosen == null ? null : chosen.id(), decision == null ? 0 : decision.nanos(),
                    new RoutingDecision.Outcome(status, errorType, ttftMicros,
                            usage == null ? null : usage.promptTokens(), usage == null ? null : usage.outputTokens(),
                            totalNanos / 1_000, attempts),
                    System.currentTimeMillis(), source);
        }
    }
}
