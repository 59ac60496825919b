package io.inferrouter.gateway.decisions;

import io.inferrouter.gateway.proxy.UpstreamProxy;
import io.inferrouter.gateway.proxy.Usage;
import io.inferrouter.gateway.routing.Target;
import io.inferrouter.gateway.scheduler.Decision;
import io.inferrouter.gateway.scheduler.PrecisePrefixCacheScorer;
import io.inferrouter.gateway.scheduler.PrefixCacheScorer;
import io.inferrouter.gateway.scheduler.PrefixMatch;
import io.inferrouter.gateway.scheduler.SchedulingContext;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.ResourceKey;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what happens to one request into a {@link RoutingDecision}: a draft filled in as the
 * request goes, turned into the event (with at most the configured number of candidates, best
 * first) when it ends.
 *
 * <p>The record holds everything the scheduler decided on, as it read it: the cycle's view of each
 * endpoint's load (fixed in the {@link SchedulingContext} when first read, and for the rest of the
 * pool when the decision is handed over, before the first attempt changes it), the prefix lookups
 * and the tie-break seed from the cycle state, the profile's configuration and the table offsets.
 * {@link Redecider} re-decides a request from it. The draft keeps references until the end and
 * builds the event then, off the decision's critical path.
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
    public static final class Draft implements UpstreamProxy.AttemptLog {
        private final String requestId;
        private final long receivedAtMs;
        private String model;
        private boolean stream;
        private String objective;
        private String fairnessId;
        private Target target;
        private Decision decision;
        private SchedulingContext cycle;
        private RoutingDecision.Saturation saturation;
        private final List<RoutingDecision.Attempt> tries = new ArrayList<>(1);
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

        /**
         * The scheduling cycle of the request, from before admission: a shed request is recorded with
         * the load the saturation check read.
         */
        public void cycle(SchedulingContext cycle) {
            this.cycle = cycle;
        }

        /** The saturation check's verdict and thresholds. */
        public void saturation(RoutingDecision.Saturation saturation) {
            this.saturation = saturation;
        }

        /**
         * The decision, handed over before the first attempt: the load of every endpoint the cycle
         * has not read yet is read now, so the record holds one consistent view of the pool.
         */
        public void decision(Decision decision, long atMs) {
            this.decision = decision;
            this.decidedAtMs = atMs;
            fixLoads();
        }

        /** Reads (and so fixes) every endpoint's load in the cycle. */
        public void fixLoads() {
            if (cycle != null) {
                for (Endpoint e : cycle.pool().endpoints()) {
                    cycle.inFlight(e);
                }
            }
        }

        /** One try of one endpoint: its status, or the error when no response head came. */
        @Override
        public void attempt(EndpointId endpoint, Integer status, String error, long nanos) {
            tries.add(new RoutingDecision.Attempt(endpoint, status, error, nanos / 1_000));
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
            if (decision != null && !decision.scored().isEmpty()) {
                for (Decision.Scored s : decision.scored()) {
                    if (candidates.size() >= maxCandidates) {
                        break;
                    }
                    Map<String, Double> scores = new LinkedHashMap<>();
                    for (int i = 0; i < s.scores().length; i++) {
                        scores.put(decision.scorerNames().get(i), s.scores()[i]);
                    }
                    candidates.add(candidate(s.endpoint(), scores, s.total(), s.filteredBy()));
                }
            } else if (cycle != null) {
                // Shed, or fail-open: the pool as the cycle saw it, unscored.
                for (Endpoint e : cycle.pool().endpoints()) {
                    if (candidates.size() >= maxCandidates) {
                        break;
                    }
                    candidates.add(candidate(e, Map.of(), 0, null));
                }
            }
            Criticality criticality = target == null ? null : target.criticality();
            return new RoutingDecision(requestId, receivedAtMs, model, target == null ? null : target.targetModel(),
                    target == null ? null : target.pool(), objective, criticality,
                    target == null ? 0 : target.priority(), fairnessId, decision == null ? null : decision.profile(),
                    stream, candidates, chosen == null ? null : chosen.id(), decision == null ? 0 : decision.nanos(),
                    new RoutingDecision.Outcome(status, errorType, ttftMicros,
                            usage == null ? null : usage.promptTokens(), usage == null ? null : usage.outputTokens(),
                            totalNanos / 1_000, Math.max(attempts, tries.size())),
                    System.currentTimeMillis(), source, scheduling(), tries);
        }

        private RoutingDecision.Candidate candidate(Endpoint e, Map<String, Double> scores, double total,
                                                    String filteredBy) {
            long at = cycle != null ? cycle.nowMs() : decidedAtMs;
            long age = e.metricsAgeMs(at);
            EngineLoad load = e.report() == null ? EngineLoad.UNKNOWN : e.report().load();
            int inFlight = cycle != null ? cycle.inFlight(e) : e.load().inFlight();
            Integer since = cycle != null ? cycle.inFlightSinceMetrics(e) : null;
            Map<String, Integer> prefix = null;
            if (cycle != null) {
                prefix = prefixBlocks(e.id(), PrefixCacheScorer.NAME, cycle.get(PrefixCacheScorer.MATCH), prefix);
                prefix = prefixBlocks(e.id(), PrecisePrefixCacheScorer.NAME,
                        cycle.get(PrecisePrefixCacheScorer.MATCH), prefix);
            }
            return new RoutingDecision.Candidate(e.id(), e.hostPort(), load.waitingRequests(), load.runningRequests(),
                    load.kvCacheUsage(), age == Long.MAX_VALUE ? null : age, inFlight, scores, total, filteredBy,
                    since, load.loraRunning(), load.loraWaiting(), load.maxLora(), prefix,
                    e.rowOffset() < 0 ? null : e.rowOffset());
        }

        private static Map<String, Integer> prefixBlocks(EndpointId id, String scorer, PrefixMatch match,
                                                         Map<String, Integer> into) {
            Integer m = match == null ? null : match.matched().get(id);
            if (m == null) {
                return into;
            }
            Map<String, Integer> out = into == null ? new HashMap<>(2) : into;
            out.put(scorer, m);
            return out;
        }

        private RoutingDecision.Scheduling scheduling() {
            if (cycle == null) {
                return null;
            }
            Map<String, RoutingDecision.PrefixLookup> prefix = new LinkedHashMap<>(2);
            PrefixMatch approximate = cycle.get(PrefixCacheScorer.MATCH);
            PrefixMatch precise = cycle.get(PrecisePrefixCacheScorer.MATCH);
            if (precise != null) {
                prefix.put(PrecisePrefixCacheScorer.NAME,
                        new RoutingDecision.PrefixLookup(precise.promptBlocks(), precise.fallback()));
            }
            if (approximate != null) {
                prefix.put(PrefixCacheScorer.NAME, new RoutingDecision.PrefixLookup(approximate.promptBlocks(), null));
            }
            String hashes = null;
            int hashTokens = 0;
            PrecisePrefixCacheScorer.PromptHashes exact = cycle.get(PrecisePrefixCacheScorer.PROMPT_HASHES);
            long[] approximateBlocks = cycle.get(PrefixCacheScorer.PROMPT_BLOCKS);
            if (exact != null && exact.hashes() != null) {
                hashes = base64(exact.hashes());
                hashTokens = exact.blockSize();
            } else if (approximateBlocks != null) {
                hashes = base64(approximateBlocks);
                hashTokens = cycle.pool().blockSizeTokens();
            }
            PoolSnapshot pool = cycle.pool();
            return new RoutingDecision.Scheduling(decision == null ? null : decision.configHash(),
                    decision == null ? null : decision.profileConfig(), cycle.seed(), cycle.nowMs(), saturation,
                    prefix, pool.rowOffset(), hashes, hashTokens, pool.endpoints().size());
        }

        private static String base64(long[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES);
            for (long v : values) {
                b.putLong(v);
            }
            return Base64.getEncoder().encodeToString(b.array());
        }
    }
}
