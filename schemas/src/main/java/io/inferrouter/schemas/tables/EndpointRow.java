package io.inferrouter.schemas.tables;

import io.inferrouter.schemas.Checks;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import java.util.Map;

/**
 * One endpoint of one pool (a ready member pod's IP and one target port), keyed {@code pool|endpoint}.
 * The row disappears (tombstone) when the pod stops being a ready member.
 *
 * @param pool        the pool key, {@code namespace/name}
 * @param endpoint    the endpoint id, {@code namespace/pod:port}
 * @param address     the pod IP to send requests to
 * @param port        the target port
 * @param labels      the pod's labels (engine type, adapters)
 * @param metrics     the latest scrape of this endpoint, or null before the first one
 * @param updatedAtMs the newest observation time among the inputs that make this row (pod, pools, metrics);
 *                    derived from the inputs only, so a replay rebuilds the same row
 */
public record EndpointRow(String pool, String endpoint, String address, int port, Map<String, String> labels,
                          EndpointMetrics metrics, long updatedAtMs) {

    public EndpointRow {
        Checks.required(pool, "pool");
        EndpointId.parse(endpoint);
        Checks.required(address, "address");
        labels = Checks.map(labels);
    }

    public String key() {
        return TableKeys.of(pool, endpoint);
    }

    /** {@code address:port}, what the proxy connects to. */
    public String hostPort() {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
