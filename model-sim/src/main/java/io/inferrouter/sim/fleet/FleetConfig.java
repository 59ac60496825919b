package io.inferrouter.sim.fleet;

import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.events.KvEventsConfig;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A fleet of simulated pods: pod {@code i} (0-based) listens on {@code baseAddress + i} (the last
 * octet counts up: 127.0.1.1, 127.0.1.2, ...) at {@code port}, as if each were a pod IP.
 *
 * Each pod publishes its KV events on its own address at the same ports, as pods do on their IPs.
 *
 * @param port      0 gives each pod a free port (tests)
 * @param overrides per-pod changes to the defaults (a slower pod, a smaller cache), by pod index
 * @param kvEvents  every pod's KV-event publishing ({@link KvEventsConfig#off()} for none)
 */
public record FleetConfig(int pods, String baseAddress, int port, SimConfig defaults,
                          Map<Integer, UnaryOperator<SimConfig>> overrides, KvEventsConfig kvEvents) {

    public FleetConfig {
        if (pods < 1 || pods > 200) {
            throw new IllegalArgumentException("pods must be 1-200, was " + pods);
        }
        String[] octets = baseAddress.split("\\.");
        if (octets.length != 4 || Integer.parseInt(octets[3]) + pods - 1 > 254) {
            throw new IllegalArgumentException("base address " + baseAddress + " cannot hold " + pods + " pods");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
        kvEvents = kvEvents == null ? KvEventsConfig.defaultsFor(port) : kvEvents;
    }

    /** KV events on: at vLLM's ports 5557 and 5558, or on free ports when {@code port} is 0. */
    public FleetConfig(int pods, String baseAddress, int port, SimConfig defaults,
                       Map<Integer, UnaryOperator<SimConfig>> overrides) {
        this(pods, baseAddress, port, defaults, overrides, KvEventsConfig.defaultsFor(port));
    }

    public FleetConfig withKvEvents(KvEventsConfig events) {
        return new FleetConfig(pods, baseAddress, port, defaults, overrides, events);
    }

    public String address(int pod) {
        String[] o = baseAddress.split("\\.");
        return o[0] + "." + o[1] + "." + o[2] + "." + (Integer.parseInt(o[3]) + pod);
    }

    public SimConfig configOf(int pod) {
        SimConfig c = defaults.withSeed(defaults.seed() + pod);
        UnaryOperator<SimConfig> change = overrides.get(pod);
        return change == null ? c : change.apply(c);
    }
}
