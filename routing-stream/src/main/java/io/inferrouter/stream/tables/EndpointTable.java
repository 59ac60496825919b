package io.inferrouter.stream.tables;

import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.TableKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;

/**
 * Endpoint rows: each endpoint's pool memberships joined to its latest metrics, keyed
 * {@code pool|endpoint}. A metrics update touches only that endpoint's rows (one per pool it is in).
 * Memberships and metrics are both keyed by endpoint id on equally partitioned topics, so they meet
 * here without moving the high-volume metrics stream.
 */
public final class EndpointTable {

    private final KeyedStore<EndpointId, EndpointMembership> memberships;
    private final KeyedStore<EndpointId, EndpointMetrics> metrics;

    public EndpointTable(KeyedStore<EndpointId, EndpointMembership> memberships,
                         KeyedStore<EndpointId, EndpointMetrics> metrics) {
        this.memberships = Objects.requireNonNull(memberships);
        this.metrics = Objects.requireNonNull(metrics);
    }

    /** What a metrics record did. */
    public enum MetricsOutcome { APPLIED, OUT_OF_ORDER, NO_MEMBERSHIP }

    /** Rows produced, by their {@code pool|endpoint} record key, and what happened to a metrics record. */
    public record Result(List<KeyValue<String, EndpointRow>> rows, MetricsOutcome outcome) {
    }

    public Result onMembership(EndpointId endpoint, EndpointMembership now) {
        EndpointMembership then = memberships.get(endpoint);
        memberships.put(endpoint, now);
        List<KeyValue<String, EndpointRow>> out = new ArrayList<>();
        if (then != null) {
            for (ResourceKey pool : then.pools()) {
                if (now == null || !now.pools().contains(pool)) {
                    out.add(KeyValue.pair(TableKeys.of(pool, endpoint), null));
                }
            }
        }
        if (now != null) {
            EndpointMetrics latest = metrics.get(endpoint);
            for (ResourceKey pool : now.pools()) {
                out.add(KeyValue.pair(TableKeys.of(pool, endpoint), row(pool, now, latest)));
            }
        }
        return new Result(out, null);
    }

    public Result onMetrics(EndpointId endpoint, EndpointMetrics incoming) {
        EndpointMetrics last = metrics.get(endpoint);
        if (incoming != null && last != null && incoming.observedAtMs() < last.observedAtMs()) {
            return new Result(List.of(), MetricsOutcome.OUT_OF_ORDER);
        }
        // A failed scrape carries no load values; the row keeps the last good ones, with the failure and
        // lastSuccessAtMs telling the gateway how old they are.
        EndpointMetrics merged = incoming == null ? null : incoming.withLastGood(last);
        metrics.put(endpoint, merged);
        EndpointMembership membership = memberships.get(endpoint);
        if (membership == null) {
            return new Result(List.of(), MetricsOutcome.NO_MEMBERSHIP);
        }
        List<KeyValue<String, EndpointRow>> out = new ArrayList<>(membership.pools().size());
        for (ResourceKey pool : membership.pools()) {
            out.add(KeyValue.pair(TableKeys.of(pool, endpoint), row(pool, membership, merged)));
        }
        return new Result(out, MetricsOutcome.APPLIED);
    }

    /**
     * Forgets metrics of endpoints that have been in no pool since before {@code horizonMs}
     * (stream time), so deleted pods do not pile up.
     *
     * @return how many were removed
     */
    public int forgetOrphanedMetrics(long horizonMs) {
        int forgotten = 0;
        for (KeyValue<EndpointId, EndpointMetrics> e : metrics.all()) {
            if (e.value.observedAtMs() < horizonMs && memberships.get(e.key) == null) {
                metrics.put(e.key, null);
                forgotten++;
            }
        }
        return forgotten;
    }

    /** The row of one endpoint in one pool; also what the queries build from the stores. */
    public static EndpointRow row(ResourceKey pool, EndpointMembership m, EndpointMetrics metrics) {
        long updated = metrics == null ? m.observedAtMs() : Math.max(m.observedAtMs(), metrics.observedAtMs());
        return new EndpointRow(pool, m.endpoint(), m.address(), m.port(), m.labels(),
                metrics == null ? null : metrics.report(), updated);
    }
}
