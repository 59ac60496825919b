package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import io.inferrouter.gateway.tables.PoolSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One scheduling profile: filters, then weighted scorers, then a picker. Endpoints whose metrics are
 * stale are not scored while others are fresh; they are ranked after every endpoint with fresh
 * metrics, so they are used only when nothing else is left. When every endpoint is stale, as right
 * after a start or when the metrics path lags, all are scored on what they last reported: the queue
 * scorer's estimate adds the gateway's own in-flight requests since those metrics, so load still
 * spreads, and prefix affinity is not thrown away with them. Filtered-out and stale endpoints are
 * ranked among themselves by the gateway's own in-flight count (fewest first, random tie-break).
 * Runs on the request thread with no I/O and no locks. Plugins keep
 * what they compute per request in the {@link SchedulingContext}; the scheduler knows none of them.
 *
 * <p>Given the same context (pool snapshot, time, load as read, cycle state, seed) a scheduler makes
 * the same decision: every random choice comes from the context's seed. {@link #configHash()} names
 * the profile's configuration, so a replay can tell whether it re-decides with the same one.
 */
public final class Scheduler {

    /** A scorer with its weight in the profile. */
    public record WeightedScorer(Scorer scorer, double weight) {
        public WeightedScorer {
            Objects.requireNonNull(scorer, "scorer");
            if (weight < 0 || Double.isNaN(weight)) {
                throw new IllegalArgumentException("scorer weight must be >= 0, was " + weight);
            }
        }
    }

    private final String profile;
    private final List<Filter> filters;
    private final List<WeightedScorer> scorers;
    private final List<String> scorerNames;
    private final Picker picker;
    private final long stalenessMs;
    private final String description;
    private final String configHash;

    public Scheduler(String profile, List<Filter> filters, List<WeightedScorer> scorers, Picker picker,
                     long stalenessMs) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.filters = List.copyOf(filters);
        this.scorers = List.copyOf(scorers);
        this.scorerNames = this.scorers.stream().map(s -> s.scorer().name()).toList();
        this.picker = Objects.requireNonNull(picker, "picker");
        this.stalenessMs = stalenessMs;
        this.description = describe(filters, this.scorers, picker, stalenessMs);
        this.configHash = ConfigHash.of(description);
    }

    public String profile() {
        return profile;
    }

    /**
     * The profile's configuration in one canonical line: filters, weighted scorers, picker and the
     * metrics staleness, in order. {@link #configHash()} is its hash.
     */
    public String describe() {
        return description;
    }

    private static String describe(List<Filter> filters, List<WeightedScorer> scorers, Picker picker,
                                   long stalenessMs) {
        StringBuilder b = new StringBuilder("filters=");
        for (Filter f : filters) {
            b.append(f.describe()).append(',');
        }
        b.append(";scorers=");
        for (WeightedScorer s : scorers) {
            b.append(s.scorer().name()).append(':').append(s.weight()).append(',');
        }
        return b.append(";picker=").append(picker.name()).append(";staleness-ms=").append(stalenessMs).toString();
    }

    /** A short hash of {@link #describe()}: equal hashes, equal configurations. */
    public String configHash() {
        return configHash;
    }

    /** Schedules a request in a cycle of its own (for callers that need no hook after the decision). */
    public Decision schedule(SchedulingRequest request, PoolSnapshot pool, long nowMs) {
        return schedule(new SchedulingContext(request, pool, nowMs));
    }

    /**
     * Ranks the pool's endpoints for the context's request. Keep the context for {@link #served}:
     * plugins left what they computed in its cycle state.
     */
    public Decision schedule(SchedulingContext context) {
        long started = System.nanoTime();
        if (!context.seeded()) {
            context.seed(picker.nextSeed());
        }
        PoolSnapshot pool = context.pool();
        long nowMs = context.nowMs();
        List<Endpoint> fresh = new ArrayList<>(pool.endpoints().size());
        List<Endpoint> stale = new ArrayList<>();
        for (Endpoint e : pool.endpoints()) {
            (e.metricsAgeMs(nowMs) <= stalenessMs ? fresh : stale).add(e);
        }
        if (fresh.isEmpty() && !stale.isEmpty()) {
            // Nothing fresh: the metrics path lags (or the gateway just started), not one endpoint. Score
            // them all on what they last reported: the queue estimate adds this gateway's in-flight since,
            // so load still spreads, and prefix affinity still counts.
            fresh = stale;
            stale = List.of();
        }
        List<Decision.Scored> setAside = new ArrayList<>();
        List<Endpoint> candidates = fresh;
        for (Filter filter : filters) {
            List<Endpoint> kept = filter.filter(context, candidates);
            if (kept.size() != candidates.size()) {
                Set<Endpoint> keep = new HashSet<>(kept);
                for (Endpoint e : candidates) {
                    if (!keep.contains(e)) {
                        setAside.add(new Decision.Scored(e, new double[0], 0, filter.name()));
                    }
                }
            }
            candidates = kept;
        }

        double[][] perScorer = new double[scorers.size()][];
        for (int s = 0; s < scorers.size(); s++) {
            perScorer[s] = candidates.isEmpty() ? new double[0] : scorers.get(s).scorer().score(context, candidates);
        }
        double[] totals = new double[candidates.size()];
        for (int i = 0; i < totals.length; i++) {
            double total = 0;
            for (int s = 0; s < scorers.size(); s++) {
                total += scorers.get(s).weight() * perScorer[s][i];
            }
            totals[i] = total;
        }
        int[] order = picker.rank(totals, context.seed());

        List<Endpoint> ranked = new ArrayList<>(pool.endpoints().size());
        List<Decision.Scored> scored = new ArrayList<>(pool.endpoints().size());
        for (int i : order) {
            double[] scores = new double[scorers.size()];
            for (int s = 0; s < scorers.size(); s++) {
                scores[s] = perScorer[s][i];
            }
            ranked.add(candidates.get(i));
            scored.add(new Decision.Scored(candidates.get(i), scores, totals[i], null));
        }
        for (Decision.Scored s : byInFlight(context, setAside, 1)) {
            ranked.add(s.endpoint());
            scored.add(s);
        }
        List<Decision.Scored> staleScored = new ArrayList<>(stale.size());
        for (Endpoint e : stale) {
            staleScored.add(new Decision.Scored(e, new double[0], 0, "stale-metrics"));
        }
        for (Decision.Scored s : byInFlight(context, staleScored, 2)) {
            ranked.add(s.endpoint());
            scored.add(s);
        }
        return new Decision(profile, configHash, description, context.seed(), ranked, scorerNames, scored, System.nanoTime() - started);
    }

    /**
     * Tells every scorer which endpoint served the request scheduled in {@code context}: the one that
     * answered after the proxy's retries. Runs on the request thread without blocking.
     */
    public void served(SchedulingContext context, Endpoint endpoint) {
        for (WeightedScorer s : scorers) {
            s.scorer().onServed(context, endpoint);
        }
    }

    /**
     * Fewest in flight first; ties in an order drawn from the request's seed (shuffled first, then a
     * stable sort). {@code stream} tells the two groups' draws apart.
     */
    private static List<Decision.Scored> byInFlight(SchedulingContext context, List<Decision.Scored> unscored,
                                                    int stream) {
        if (unscored.size() < 2) {
            return unscored;
        }
        int[] order = Pickers.shuffled(unscored.size(), Pickers.mix(context.seed(), -stream));
        List<Decision.Scored> out = new ArrayList<>(unscored.size());
        for (int i : order) {
            out.add(unscored.get(i));
        }
        out.sort(Comparator.comparingInt(s -> context.inFlight(s.endpoint())));
        return out;
    }
}
