package io.inferrouter.schemas.tables;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.inferrouter.schemas.Checks;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.metrics.EngineReport;
import io.inferrouter.schemas.resources.ResourceKey;
import java.util.Map;
import java.util.Objects;

/**
 * One endpoint of one pool (a ready member pod's IP and one target port), keyed {@code pool|endpoint}.
 * The row disappears (tombstone) when the pod stops being a ready member.
 *
 * <p>On the wire the row embeds the endpoint's latest scrape as a whole {@link EndpointMetrics} object
 * under {@code metrics} (as version 1 wrote it); in Java it carries the identity and address once and
 * only the scrape's {@link EngineReport}.
 *
 * @param pool        the pool
 * @param endpoint    the endpoint
 * @param address     the pod IP to send requests to
 * @param port        the target port
 * @param labels      the pod's labels (engine type, adapters)
 * @param report      what the latest scrape of this endpoint said, or null before the first one
 * @param updatedAtMs the newest observation time among the inputs that make this row (pod, pools, metrics);
 *                    derived from the inputs only, so a replay rebuilds the same row
 */
public record EndpointRow(ResourceKey pool, EndpointId endpoint, String address, int port, Map<String, String> labels,
                          EngineReport report, long updatedAtMs) {

    public EndpointRow {
        Objects.requireNonNull(pool, "pool is required");
        Objects.requireNonNull(endpoint, "endpoint is required");
        Checks.required(address, "address");
        labels = Checks.map(labels);
    }

    /** The table key, {@code pool|endpoint}. */
    public String key() {
        return TableKeys.of(pool, endpoint);
    }

    /** {@code address:port}, what the proxy connects to. */
    public String hostPort() {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }

    @JsonValue
    Wire wire() {
        return new Wire(pool.toString(), endpoint.toString(), address, port, labels,
                report == null ? null : EndpointMetrics.Flat.of(endpoint, address, port, report), updatedAtMs);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static EndpointRow fromWire(Wire w) {
        return new EndpointRow(ResourceKey.parse(Checks.required(w.pool(), "pool")), EndpointId.parse(w.endpoint()),
                w.address(), w.port(), w.labels(), w.metrics() == null ? null : w.metrics().report(), w.updatedAtMs());
    }

    /** The wire form; see endpoint-row.schema.json. */
    record Wire(String pool, String endpoint, String address, int port, Map<String, String> labels,
                EndpointMetrics.Flat metrics, long updatedAtMs) {
    }
}
