package io.inferrouter.kafka.embedded;

import java.nio.file.Path;
import java.util.Map;

/**
 * How to start the embedded broker.
 *
 * @param host           the loopback host the listeners bind to and advertise
 * @param port           the client (PLAINTEXT) port; 0 picks a free one
 * @param controllerPort the KRaft controller port; 0 picks a free one
 * @param logDir         where the broker keeps its data; null means a temporary directory deleted on close.
 *                       An existing, already formatted directory is reused as it is.
 * @param overrides      extra broker properties, applied last
 */
public record BrokerSettings(String host, int port, int controllerPort, Path logDir, Map<String, String> overrides) {

    public BrokerSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("broker host is required (for example 127.0.0.1)");
        }
        checkPort(port, "port");
        checkPort(controllerPort, "controllerPort");
        if (port != 0 && port == controllerPort) {
            throw new IllegalArgumentException("broker port and controller port must differ, both are " + port);
        }
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
    }

    /** A temporary broker on free loopback ports: what tests use. */
    public static BrokerSettings ephemeral() {
        return new BrokerSettings("127.0.0.1", 0, 0, null, Map.of());
    }

    public BrokerSettings withLogDir(Path dir) {
        return new BrokerSettings(host, port, controllerPort, dir, overrides);
    }

    private static void checkPort(int port, String what) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " must be 0 (any free port) or 1-65535, was " + port);
        }
    }
}
