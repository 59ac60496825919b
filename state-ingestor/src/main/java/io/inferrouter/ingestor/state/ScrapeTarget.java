package io.inferrouter.ingestor.state;

import io.inferrouter.schemas.metrics.EndpointId;
import java.util.Objects;

/**
 * One endpoint to scrape: a ready member pod's IP and one target port of a pool.
 *
 * @param endpoint   the pod and target port
 * @param address    the pod's IP
 * @param engineType the pod's engine label, null when it has none
 */
public record ScrapeTarget(EndpointId endpoint, String address, String engineType) {

    public ScrapeTarget {
        Objects.requireNonNull(endpoint, "endpoint is required");
        Objects.requireNonNull(address, "address is required");
    }

    public int port() {
        return endpoint.port();
    }

    public String metricsUrl() {
        String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return "http://" + host + ":" + port() + "/metrics";
    }
}
