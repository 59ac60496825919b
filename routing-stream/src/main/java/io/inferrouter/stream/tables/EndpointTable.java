package io.inferrouter.stream.tables;

import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.tables.TableKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Endpoint rows: each endpoint's pool memberships joined to its latest metrics, keyed
 * {@code pool|endpoint}. A metrics update touches only that endpoint's rows (one per pool it is in).
 * Memberships and metrics are both keyed by endpoint id on equally partitioned topics, so they meet
 * here without moving the high-volume metrics stream.
 */
public final class EndpointTable {

    private final KeyValueStore<String, EndpointMembership> memberships;
    private final KeyValueStore<String, EndpointMetrics> metrics;

    public EndpointTable(KeyValueStore<String, EndpointMembership> memberships,
                         KeyValueStore<String, EndpointMetrics> metrics) {
        this.memberships = Objects.requireNonNull(memberships);
        this.metrics = Objects.requireNonNull(metrics);
    }

    /** What a metrics record did. */
    public enum MetricsOutcome { APPLIED, OUT_OF_ORDER, NO_MEMBERSHIP }

    /** Rows produced, and what happened to a metrics record. */
    public record Result(List<KeyValue<String, EndpointRow>> rows, MetricsOutcome outcome) {
    }

    public Result onMembership(String endpoint, EndpointMembership now) {
        EndpointMembership then = memberships.get(endpoint);
        if (now == null) {
            memberships.delete(endpoint);
        } else {
            memberships.put(endpoint, now);
        }
        List<KeyValue<String, EndpointRow>> out = new ArrayList<>();
        if (then != null) {
            for (String pool : then.pools()) {
                if (now == null || !now.pools().contains(pool)) {
                    out.add(KeyValue.pair(TableKeys.of(pool, endpoint), null));
                }
            }
        }
        if (now != null) {
            EndpointMetrics latest = metrics.get(endpoint);
            for (String pool : now.pools()) {
                out.add(KeyValue.pair(TableKeys.of(pool, endpoint), row(pool, now, latest)));
            }
        }
        return new Result(out, null);
    }

    public Result onMetrics(String endpoint, EndpointMetrics incoming) {
        EndpointMetrics last = metrics.get(endpoint);
        EndpointMetrics merged;
        if (incoming == null) {
            merged = null;
            metrics.delete(endpoint);
        } else {
            if (last != null && incoming.observedAtMs() < last.observedAtMs()) {
                return new Result(List.of(), MetricsOutcome.OUT_OF_ORDER);
            }
            merged = keepLastGoodValues(incoming, last);
            metrics.put(endpoint, merged);
        }
        EndpointMembership membership = memberships.get(endpoint);
        if (membership == null) {
            return new Result(List.of(), MetricsOutcome.NO_MEMBERSHIP);
        }
        List<KeyValue<String, EndpointRow>> out = new ArrayList<>(membership.pools().size());
        for (String pool : membership.pools()) {
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
        List<String> orphans = new ArrayList<>();
        try (KeyValueIterator<String, EndpointMetrics> it = metrics.all()) {
            it.forEachRemaining(e -> {
                if (e.value.observedAtMs() < horizonMs && memberships.get(e.key) == null) {
                    orphans.add(e.key);
                }
            });
        }
        orphans.forEach(metrics::delete);
        return orphans.size();
    }

    /** The row of one endpoint in one pool; also what the queries build from the stores. */
    public static EndpointRow row(String pool, EndpointMembership m, EndpointMetrics metrics) {
        long updated = metrics == null ? m.observedAtMs() : Math.max(m.observedAtMs(), metrics.observedAtMs());
        return new EndpointRow(pool, m.endpoint(), m.address(), m.port(), m.labels(), metrics, updated);
    }

    /**
     * A failed scrape carries no load values; the row keeps the last good ones, with the failure and
     * {@code lastSuccessAtMs} telling the gateway how old they are.
     */
    static EndpointMetrics keepLastGoodValues(EndpointMetrics incoming, EndpointMetrics last) {
        if (!incoming.failed() || last == null) {
            return incoming;
        }
        return new EndpointMetrics(incoming.endpoint(), incoming.address(), incoming.port(), incoming.engineType(),
                last.waitingRequests(), last.runningRequests(), last.kvCacheUsage(), last.loraRunning(),
                last.loraWaiting(), last.maxLora(), last.blockSize(), last.numGpuBlocks(), last.prefixCacheQueries(),
                last.prefixCacheHits(), incoming.scrapeMicros(), incoming.scrapeError(),
                Math.max(incoming.lastSuccessAtMs(), last.lastSuccessAtMs()), incoming.observedAtMs(), incoming.source());
    }
}
