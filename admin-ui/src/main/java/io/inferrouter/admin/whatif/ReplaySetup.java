package io.inferrouter.admin.whatif;

import io.inferrouter.gateway.config.GatewayConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a what-if replay holds fixed while it varies the scheduler profile: the fleet, the
 * gateway's configuration (its profiles, prefix index and precise-prefix settings, read as the
 * gateway reads them), the routing state's delays, the model of requests that name none, a warm-up,
 * and the seed of the replay's own random choices (each pod's scrape phase, the content of prompt
 * tokens no trace id names).
 *
 * @param fleet        the simulated pool
 * @param gateway      the gateway configuration whose profiles are replayed
 * @param delays       scrape interval, metrics delay, KV-event delay
 * @param defaultModel the model of trace requests that name none; the fleet must serve it
 * @param warmUp       requests arriving this long after the first are replayed but left out of the
 *                     results (latencies, hit rate, per-pod load), so a cold fleet can fill its caches
 * @param seed         seeds the replay's own random choices
 */
public record ReplaySetup(FleetShape fleet, GatewayConfig gateway, PipelineDelays delays, String defaultModel,
                          Duration warmUp, long seed) {

    public ReplaySetup {
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(delays, "delays");
        Objects.requireNonNull(warmUp, "warmUp");
        if (defaultModel == null || defaultModel.isBlank()) {
            throw new IllegalArgumentException("a what-if replay needs a default model for requests that name none");
        }
        if (!fleet.serves(defaultModel)) {
            throw new IllegalArgumentException("the default model '" + defaultModel + "' is not served by the fleet"
                    + " (model '" + fleet.sim().model() + "', adapters " + fleet.sim().adapters() + ")");
        }
        if (warmUp.isNegative()) {
            throw new IllegalArgumentException("the warm-up must be >= 0, was " + warmUp);
        }
    }

    /** The fleet's base model as the default, the measured delays, no warm-up, seed 1. */
    public static ReplaySetup of(FleetShape fleet, GatewayConfig gateway) {
        return new ReplaySetup(fleet, gateway, PipelineDelays.defaults(), fleet.sim().model(), Duration.ZERO, 1);
    }

    public ReplaySetup withDelays(PipelineDelays d) {
        return new ReplaySetup(fleet, gateway, d, defaultModel, warmUp, seed);
    }

    public ReplaySetup withWarmUp(Duration w) {
        return new ReplaySetup(fleet, gateway, delays, defaultModel, w, seed);
    }

    public ReplaySetup withSeed(long s) {
        return new ReplaySetup(fleet, gateway, delays, defaultModel, warmUp, s);
    }
}
