package io.inferrouter.sim.fleet;

import java.util.ArrayList;
import java.util.List;

/** Many simulated pods in one process, each on its own loopback address. */
public final class SimFleet implements AutoCloseable {

    private final List<SimPod> pods;

    private SimFleet(List<SimPod> pods) {
        this.pods = List.copyOf(pods);
    }

    /** Starts every pod; stops the ones already started if one cannot start. */
    public static SimFleet start(FleetConfig config) {
        List<SimPod> started = new ArrayList<>();
        try {
            for (int i = 0; i < config.pods(); i++) {
                started.add(new SimPod("sim-" + i, config.address(i), config.port(), config.configOf(i)));
            }
            return new SimFleet(started);
        } catch (RuntimeException e) {
            started.forEach(SimPod::close);
            throw new IllegalStateException("cannot start simulated pod " + started.size() + " on "
                    + config.address(started.size()) + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    public List<SimPod> pods() {
        return pods;
    }

    public SimPod pod(int i) {
        return pods.get(i);
    }

    @Override
    public void close() {
        pods.forEach(SimPod::close);
    }
}
