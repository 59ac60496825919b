package io.inferrouter.admin.whatif;

import io.inferrouter.schemas.traces.TraceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The what-if replay: a window of arrivals (recorded decisions, or a Mooncake trace) replayed through
 * gateway-node's production scheduler ({@code Profiles.build} from the gateway's configuration) and
 * a simulated fleet of model-sim engines, in virtual time, once per profile, so that profiles can be
 * compared side by side on the same arrivals. Each run starts from a cold fleet and an empty gateway,
 * and is deterministic for the same trace, setup and profile (each request's tie-break seed comes
 * from the setup's seed). The model and its assumptions are in admin-ui's DESIGN.md, "What-if replay in virtual
 * time". Runs on the caller's thread; one instance can run several replays, one after the other or
 * at once.
 */
public final class WhatIfReplay {

    private final ReplaySetup setup;

    public WhatIfReplay(ReplaySetup setup) {
        this.setup = Objects.requireNonNull(setup, "setup");
    }

    public ReplaySetup setup() {
        return setup;
    }

    /**
     * Replays {@code trace} (in timestamp order; equal timestamps keep their order) through one profile.
     *
     * @throws IllegalArgumentException when the trace is empty or the gateway configuration has no such profile
     */
    public ReplayResult run(List<TraceRequest> trace, String profile) {
        return run(trace, profile, ReplayListener.NONE);
    }

    /** As {@link #run(List, String)}, telling {@code listener} of every decision. */
    public ReplayResult run(List<TraceRequest> trace, String profile, ReplayListener listener) {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(listener, "listener");
        return new FleetReplay(setup, profile, trace, listener).run();
    }

    /** One replay per profile, in the order given, each from a cold fleet. */
    public List<ReplayResult> runAll(List<TraceRequest> trace, List<String> profiles) {
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("name at least one scheduler profile to replay");
        }
        for (String p : profiles) {
            if (!setup.gateway().profiles().containsKey(p)) {
                throw new IllegalArgumentException("unknown scheduler profile '" + p
                        + "'; the gateway configuration has " + setup.gateway().profiles().keySet());
            }
        }
        List<ReplayResult> out = new ArrayList<>(profiles.size());
        for (String p : profiles) {
            out.add(run(trace, p));
        }
        return out;
    }
}
