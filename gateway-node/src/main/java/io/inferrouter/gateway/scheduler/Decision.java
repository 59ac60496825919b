package io.inferrouter.gateway.scheduler;

import io.inferrouter.gateway.tables.Endpoint;
import java.util.List;

/**
 * What the scheduler decided for one request.
 *
 * @param profile      the profile that decided
 * @param configHash   the hash of the profile's configuration ({@link Scheduler#configHash()})
 * @param profileConfig the profile's configuration in canonical form ({@link Scheduler#describe()})
 * @param seed         the request's tie-break seed
 * @param ranked       every endpoint in the order to try: the pick first, then the fallbacks (filtered-out
 *                     endpoints after the kept ones, endpoints with stale metrics last)
 * @param scorerNames  the scorers, in the order of each {@link Scored#scores()}
 * @param scored       the candidates with their scores, in {@code ranked} order
 * @param nanos        time spent deciding
 */
public record Decision(String profile, String configHash, String profileConfig, long seed, List<Endpoint> ranked, List<String> scorerNames, List<Scored> scored,
                       long nanos) {

    /**
     * One endpoint as scored.
     *
     * @param scores     per-scorer score before weighting, in {@link Decision#scorerNames()} order; empty when
     *                   the endpoint was not scored (filtered out, stale)
     * @param total      the weighted sum the picker used
     * @param filteredBy the filter that set it aside, "stale-metrics", or null
     */
    public record Scored(Endpoint endpoint, double[] scores, double total, String filteredBy) {
    }

    public boolean hasEndpoint() {
        return !ranked.isEmpty();
    }

    public Endpoint pick() {
        return ranked.get(0);
    }
}
