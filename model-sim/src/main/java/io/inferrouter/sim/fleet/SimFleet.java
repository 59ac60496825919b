package io.inferrouter.sim.fleet;

import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZMQ;

/**
 * Many simulated pods in one process, each on its own loopback address. With KV events on, the pods
 * share one ZMQ context (one I/O thread), which the fleet closes last.
 */
public final class SimFleet implements AutoCloseable {

    private final List<SimPod> pods;
    private final ZMQ.Context zmq;

    private SimFleet(List<SimPod> pods, ZMQ.Context zmq) {
        this.pods = List.copyOf(pods);
        this.zmq = zmq;
    }

    /** Starts every pod; stops the ones already started if one cannot start. */
    public static SimFleet start(FleetConfig config) {
        ZMQ.Context zmq = config.kvEvents().enabled() ? ZMQ.context(1) : null;
        List<SimPod> started = new ArrayList<>();
        try {
            for (int i = 0; i < config.pods(); i++) {
                started.add(new SimPod("sim-" + i, config.address(i), config.port(), config.configOf(i),
                        config.kvEvents(), zmq));
            }
            return new SimFleet(started, zmq);
        } catch (RuntimeException e) {
            started.forEach(SimPod::close);
            if (zmq != null) {
                zmq.close();
            }
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
        if (zmq != null) {
            zmq.close();
        }
    }
}
