package io.inferrouter.stream.query;

import com.fasterxml.jackson.core.type.TypeReference;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tables.EndpointRow;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where each query is answered. The control-plane tables live in one task (their topics have one
 * partition): a query is answered by the instance that owns it, through {@code queryMetadataForKey}.
 * Endpoint rows are spread over the metrics partitions: every instance running some of them is asked,
 * and the answer is complete or an error, never partial: every partition must be held by an instance
 * that answered, and the assignment must not have moved while they were asked.
 */
public final class TableQueries {

    private static final TypeReference<List<EndpointRow>> ENDPOINT_ROWS = new TypeReference<>() {
    };

    private final TableLocations locations;
    private final HostInfo self;
    private final LocalTables local;
    private final Peers peers;
    private final int endpointPartitions;

    /**
     * @param endpointPartitions partitions of the metrics topic, all of which an endpoint query must cover
     */
    public TableQueries(TableLocations locations, HostInfo self, LocalTables local, Peers peers,
                        int endpointPartitions) {
        if (endpointPartitions < 1) {
            throw new IllegalArgumentException("endpointPartitions must be >= 1, was " + endpointPartitions);
        }
        this.locations = locations;
        this.self = self;
        this.local = local;
        this.peers = peers;
        this.endpointPartitions = endpointPartitions;
    }

    public TableQueries(KafkaStreams streams, HostInfo self, Peers peers, int endpointPartitions) {
        this(TableLocations.of(streams), self, new LocalTables(streams), peers, endpointPartitions);
    }

    public LocalTables local() {
        return local;
    }

    /** The instance that owns the control-plane tables, or empty when it is this one. */
    public Optional<HostInfo> controlPlaneOwner() {
        requireRunning();
        HostInfo owner = locations.controlPlaneOwner();
        if (owner == null) {
            throw new QueryUnavailableException("no instance owns the control-plane tables yet ("
                    + locations.state() + "); retry shortly", null);
        }
        return owner.equals(self) ? Optional.empty() : Optional.of(owner);
    }

    /** Forwards a control-plane query to its owner, marked so that the owner answers from its own stores. */
    public byte[] forward(HostInfo owner, String path, String query) {
        String q = query == null || query.isBlank() ? "local=true" : query + "&local=true";
        return peers.get(owner, path + "?" + q);
    }

    /**
     * Every endpoint row of a pool, from every instance that runs some endpoint partitions.
     *
     * @throws QueryUnavailableException when a partition is held by no instance, an instance cannot be
     *                                   reached, or the assignment changed meanwhile
     */
    public List<EndpointRow> endpointsOf(ResourceKey pool) {
        requireRunning();
        List<TableLocations.Holder> holders = locations.endpointHolders();
        requireEveryPartitionHeld(holders);
        List<EndpointRow> rows = new ArrayList<>();
        for (TableLocations.Holder holder : holders) {
            if (holder.endpointPartitions().isEmpty()) {
                continue;
            }
            rows.addAll(holder.host().equals(self) ? local.endpointsOf(pool) : askPeer(holder.host(), pool));
        }
        if (!holders.equals(locations.endpointHolders())) {
            throw new QueryUnavailableException("endpoint partitions moved between instances while the query ran"
                    + " (rebalancing); retry shortly", null);
        }
        rows.sort(Comparator.comparing(EndpointRow::endpoint));
        return rows;
    }

    private void requireEveryPartitionHeld(List<TableLocations.Holder> holders) {
        Set<Integer> missing = new TreeSet<>();
        for (int p = 0; p < endpointPartitions; p++) {
            missing.add(p);
        }
        holders.forEach(h -> missing.removeAll(h.endpointPartitions()));
        if (!missing.isEmpty()) {
            throw new QueryUnavailableException("endpoint partitions " + missing + " of " + endpointPartitions
                    + " are held by no running instance (rebalancing, or an instance is gone); retry shortly", null);
        }
    }

    private List<EndpointRow> askPeer(HostInfo host, ResourceKey pool) {
        byte[] body = peers.get(host, "/internal/endpoints?pool=" + URLEncoder.encode(pool.toString(), StandardCharsets.UTF_8));
        try {
            return Json.mapper().readValue(body, ENDPOINT_ROWS);
        } catch (IOException e) {
            throw new QueryUnavailableException("instance " + host + " sent unreadable endpoint rows: "
                    + e.getMessage(), e);
        }
    }

    private void requireRunning() {
        KafkaStreams.State state = locations.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new QueryUnavailableException("routing-stream is " + state
                    + ", not RUNNING; tables are not complete yet, retry shortly", null);
        }
    }
}
