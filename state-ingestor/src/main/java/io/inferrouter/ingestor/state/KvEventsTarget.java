package io.inferrouter.ingestor.state;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.Objects;

/**
 * The KV-event sockets of one endpoint: a ready member pod's IP with the ports its annotations, its
 * pool's or the ingestor's settings give, offset by the target port's place in the pool (vLLM binds
 * data-parallel rank {@code i} at base port + {@code i}).
 *
 * @param endpoint   the pod and target port, the record key
 * @param pool       the pool the endpoint belongs to (the first, if several select the pod)
 * @param address    the pod's IP
 * @param port       the PUB port
 * @param replayPort the replay ROUTER port, 0 when there is none
 */
public record KvEventsTarget(EndpointId endpoint, ResourceKey pool, String address, int port, int replayPort) {

    public KvEventsTarget {
        Objects.requireNonNull(endpoint, "endpoint is required");
        Objects.requireNonNull(pool, "pool is required");
        Objects.requireNonNull(address, "address is required");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("KV events port must be 1-65535, was " + port);
        }
        if (replayPort < 0 || replayPort > 65535) {
            throw new IllegalArgumentException("KV events replay port must be 0-65535, was " + replayPort);
        }
    }

    /** {@code tcp://address:port} of the PUB socket. */
    public String eventsUrl() {
        return url(port);
    }

    /** {@code tcp://address:replayPort}, or null when the endpoint has no replay socket. */
    public String replayUrl() {
        return replayPort == 0 ? null : url(replayPort);
    }

    public boolean ipv6() {
        return address.indexOf(':') >= 0;
    }

    private String url(int p) {
        return "tcp://" + (ipv6() ? "[" + address + "]" : address) + ":" + p;
    }
}
