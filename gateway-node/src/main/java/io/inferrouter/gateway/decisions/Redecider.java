package io.inferrouter.gateway.decisions;

import io.inferrouter.gateway.scheduler.Decision;
import io.inferrouter.gateway.scheduler.PrecisePrefixCacheScorer;
import io.inferrouter.gateway.scheduler.PrecisePrefixSources;
import io.inferrouter.gateway.scheduler.PrefixCacheScorer;
import io.inferrouter.gateway.scheduler.PrefixIndex;
import io.inferrouter.gateway.scheduler.PrefixMatch;
import io.inferrouter.gateway.scheduler.Profiles;
import io.inferrouter.gateway.scheduler.SaturationDetector;
import io.inferrouter.gateway.scheduler.Scheduler;
import io.inferrouter.gateway.scheduler.SchedulingContext;
import io.inferrouter.gateway.scheduler.SchedulingRequest;
import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.EndpointLoad;
import io.inferrouter.gateway.tables.PoolSnapshot;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.metrics.ScrapeFacts;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.tables.EndpointRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-decides recorded requests with the production scheduler, from what the record says the
 * scheduler read: each candidate's load as the cycle read it, its metrics' age, its LoRA state and
 * prefix matches, the tie-break seed and the time. With the recorded profile (rebuilt from the
 * configuration the record carries) it must rank the candidates exactly as the gateway did; with
 * another profile it says what that profile would have chosen on the same inputs.
 *
 * <p>A record it cannot re-decide is {@link Verdict#SKIPPED} with the reason: written before version
 * 5, refused before a pool was chosen, fail-open (no scheduling), or with fewer candidates than the
 * pool had ({@code decisions.max-candidates}). A shed request is re-checked: the saturation check on
 * the recorded load must say saturated again.
 *
 * <p>Not thread-safe; one per replay. {@link #close} stops the (unused) prefix index's writer.
 */
public final class Redecider implements AutoCloseable {

    /** How a recorded decision compares with the re-decided one. */
    public enum Verdict {
        /** The same ranking (or, for a shed request, saturated again). */
        SAME,
        /** Another ranking. */
        DIFFERENT,
        /** Not re-decidable; see the reason. */
        SKIPPED
    }

    /**
     * One re-decided request.
     *
     * @param recorded  the recorded ranking, best first (the candidates as the record lists them)
     * @param redecided the new ranking over the same candidates, or empty when skipped or shed
     * @param decision  the new decision with its scores, or null when skipped or shed
     * @param reason    why it was skipped, or what differs; null when the same
     */
    public record Result(String requestId, Verdict verdict, String reason, List<EndpointId> recorded,
                         List<EndpointId> redecided, Decision decision) {
    }

    private final PrefixIndex unusedIndex = new PrefixIndex(1, 1);
    private final Map<String, Scheduler> recordedProfiles = new HashMap<>();

    /** Re-decides with the profile the record names, rebuilt from its recorded configuration. */
    public Result redecide(RoutingDecision d) {
        RoutingDecision.Scheduling s = d.scheduling();
        if (s != null && s.profileConfig() != null && d.profile() != null) {
            Scheduler scheduler;
            try {
                scheduler = recordedProfiles.computeIfAbsent(d.profile() + "\n" + s.profileConfig(),
                        k -> Profiles.fromDescription(d.profile(), s.profileConfig(), unusedIndex, 1,
                                PrecisePrefixSources.off()));
            } catch (IllegalArgumentException e) {
                return skipped(d, "its profile cannot be rebuilt: " + e.getMessage());
            }
            return redecide(d, scheduler);
        }
        return redecide(d, null);
    }

    /**
     * Re-decides with {@code scheduler} (any profile) on the recorded inputs.
     *
     * @param scheduler null to only check a shed request (there is no ranking to reproduce)
     */
    public Result redecide(RoutingDecision d, Scheduler scheduler) {
        RoutingDecision.Scheduling s = d.scheduling();
        if (s == null) {
            return skipped(d, d.pool() == null ? "refused before a pool was chosen (status " + d.outcome().status()
                    + ")" : "no scheduling record (written before version 5, or refused before scheduling)");
        }
        if (d.pool() == null) {
            return skipped(d, "the record names no pool");
        }
        if (d.candidates().size() < s.poolSize()) {
            return skipped(d, "the record keeps " + d.candidates().size() + " of the pool's " + s.poolSize()
                    + " endpoints (decisions.max-candidates)");
        }
        for (RoutingDecision.Candidate c : d.candidates()) {
            if (c.inFlightSinceMetrics() == null) {
                return skipped(d, "candidate " + c.endpoint() + " has no recorded load since its metrics");
            }
        }
        List<EndpointId> recorded = d.candidates().stream().map(RoutingDecision.Candidate::endpoint).toList();
        SchedulingContext cycle = cycle(d, s);
        if (s.profileConfig() == null) {
            if (s.saturation() == null) {
                return skipped(d, "no scheduling cycle ran (" + (d.profile() == null ? "refused" : d.profile()) + ")");
            }
            // Shed before scheduling: the recorded load must make the pool saturated again.
            RoutingDecision.Saturation sat = s.saturation();
            boolean again = new SaturationDetector(sat.queueThreshold(), sat.kvCacheThreshold(), sat.stalenessMs())
                    .saturated(cycle);
            return again == sat.saturated()
                    ? new Result(d.requestId(), Verdict.SAME, null, recorded, List.of(), null)
                    : new Result(d.requestId(), Verdict.DIFFERENT, "the saturation check says " + again + ", recorded "
                            + sat.saturated(), recorded, List.of(), null);
        }
        if (scheduler == null) {
            return skipped(d, "no profile to re-decide with");
        }
        Decision decision = scheduler.schedule(cycle);
        List<EndpointId> redecided = decision.ranked().stream().map(Endpoint::id).toList();
        if (redecided.equals(recorded)) {
            return new Result(d.requestId(), Verdict.SAME, null, recorded, redecided, decision);
        }
        return new Result(d.requestId(), Verdict.DIFFERENT, "chose " + redecided.get(0) + ", recorded "
                + recorded.get(0), recorded, redecided, decision);
    }

    /** The recorded cycle: the pool rebuilt from the candidates, the recorded time, seed and prefix lookups. */
    private static SchedulingContext cycle(RoutingDecision d, RoutingDecision.Scheduling s) {
        List<Endpoint> endpoints = new ArrayList<>(d.candidates().size());
        for (RoutingDecision.Candidate c : d.candidates()) {
            endpoints.add(endpoint(d, c, s.decidedAtMs()));
        }
        // The gateway's pool snapshot lists endpoints by id; the order decides the picker's indexes.
        endpoints.sort(Comparator.comparing(Endpoint::id));
        PoolSnapshot pool = new PoolSnapshot(d.pool(), null, s.poolRowOffset(), endpoints,
                s.promptHashTokens() > 0 ? s.promptHashTokens() : PoolSnapshot.DEFAULT_BLOCK_SIZE);
        SchedulingContext cycle = new SchedulingContext(new SchedulingRequest(
                d.targetModel() == null ? "" : d.targetModel(), "", d.criticality() == Criticality.Sheddable,
                d.criticality() == Criticality.Critical), pool, s.decidedAtMs());
        cycle.seed(s.seed());
        preset(cycle, d, s, PrefixCacheScorer.NAME, PrefixCacheScorer.MATCH);
        preset(cycle, d, s, PrecisePrefixCacheScorer.NAME, PrecisePrefixCacheScorer.MATCH);
        return cycle;
    }

    private static void preset(SchedulingContext cycle, RoutingDecision d, RoutingDecision.Scheduling s,
                               String scorer, SchedulingContext.Key<PrefixMatch> key) {
        RoutingDecision.PrefixLookup lookup = s.prefix().get(scorer);
        if (lookup == null) {
            // Not looked up then: the scorer finds nothing (a replay has no index of that time).
            cycle.preset(key, new PrefixMatch(0, Map.of(), null));
            return;
        }
        if (lookup.fallback() != null) {
            cycle.preset(key, PrefixMatch.fellBack(lookup.fallback()));
            return;
        }
        Map<EndpointId, Integer> matched = new HashMap<>();
        for (RoutingDecision.Candidate c : d.candidates()) {
            Integer m = c.prefixBlocks().get(scorer);
            if (m != null) {
                matched.put(c.endpoint(), m);
            }
        }
        cycle.preset(key, new PrefixMatch(lookup.promptBlocks(), matched, null));
    }

    /** An endpoint whose row says what the record says, with its load fixed at the recorded counts. */
    private static Endpoint endpoint(RoutingDecision d, RoutingDecision.Candidate c, long decidedAtMs) {
        EngineReport report = null;
        if (c.metricsAgeMs() != null) {
            long at = decidedAtMs - c.metricsAgeMs();
            report = new EngineReport(null, new EngineLoad(c.waitingRequests(), c.runningRequests(), c.kvCacheUsage(),
                    c.loraRunning(), c.loraWaiting(), c.maxLora()), null,
                    new ScrapeFacts(0, null, at, at, "replay"));
        }
        String address = c.address() == null ? "0.0.0.0:0" : c.address();
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        int port = colon < 0 ? 0 : Integer.parseInt(address.substring(colon + 1));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        EndpointRow row = new EndpointRow(d.pool(), c.endpoint(), host.isEmpty() ? "0.0.0.0" : host, port, Map.of(),
                report, decidedAtMs);
        return new Endpoint(row, EndpointLoad.fixed(c.inFlight(), c.inFlightSinceMetrics()), -1,
                c.rowOffset() == null ? -1 : c.rowOffset());
    }

    private static Result skipped(RoutingDecision d, String reason) {
        return new Result(d.requestId(), Verdict.SKIPPED, reason,
                d.candidates().stream().map(RoutingDecision.Candidate::endpoint).toList(), List.of(), null);
    }

    @Override
    public void close() {
        unusedIndex.close();
    }
}
