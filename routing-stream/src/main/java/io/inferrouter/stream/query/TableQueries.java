package io.inferrouter.stream.query;

import com.fasterxml.jackson.core.type.TypeReference;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.stream.topology.StoreNames;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where each query is answered. The control-plane tables live in one task (their topics have one
 * partition): a query is answered by the instance that owns it, through {@code queryMetadataForKey}.
 * Endpoint rows are spread over the metrics partitions: every instance holding some is asked, and
 * the answer is complete or an error, never partial.
 */
public final class TableQueries {

    private static final TypeReference<List<EndpointRow>> ENDPOINT_ROWS = new TypeReference<>() {
    };

    private final KafkaStreams streams;
    private final HostInfo self;
    private final LocalTables local;
    private final Peers peers;

    public TableQueries(KafkaStreams streams, HostInfo self, Peers peers) {
        this.streams = streams;
        this.self = self;
        this.local = new LocalTables(streams);
        this.peers = peers;
    }

    public LocalTables local() {
        return local;
    }

    /** The instance that owns the control-plane tables, or empty when it is this one. */
    public Optional<HostInfo> controlPlaneOwner() {
        requireRunning();
        KeyQueryMetadata meta = streams.queryMetadataForKey(StoreNames.POOL_ROWS, "-", Serdes.String().serializer());
        if (meta == null || meta == KeyQueryMetadata.NOT_AVAILABLE) {
            throw new QueryUnavailableException("no instance owns the control-plane tables yet (" + streams.state()
                    + "); retry shortly", null);
        }
        return meta.activeHost().equals(self) ? Optional.empty() : Optional.of(meta.activeHost());
    }

    /** Forwards a control-plane query to its owner, marked so that the owner answers from its own stores. */
    public byte[] forward(HostInfo owner, String path, String query) {
        String q = query == null || query.isBlank() ? "local=true" : query + "&local=true";
        return peers.get(owner, path + "?" + q);
    }

    /** Every endpoint row of a pool, from every instance that holds some. */
    public List<EndpointRow> endpointsOf(String pool) {
        requireRunning();
        List<EndpointRow> rows = new ArrayList<>();
        for (StreamsMetadata instance : streams.streamsMetadataForStore(StoreNames.ENDPOINT_MEMBERSHIPS)) {
            if (instance.hostInfo().equals(self)) {
                rows.addAll(local.endpointsOf(pool));
            } else {
                byte[] body = peers.get(instance.hostInfo(), "/internal/endpoints?pool="
                        + URLEncoder.encode(pool, StandardCharsets.UTF_8));
                try {
                    rows.addAll(Json.mapper().readValue(body, ENDPOINT_ROWS));
                } catch (IOException e) {
                    throw new QueryUnavailableException("instance " + instance.hostInfo()
                            + " sent unreadable endpoint rows: " + e.getMessage(), e);
                }
            }
        }
        rows.sort(Comparator.comparing(EndpointRow::endpoint));
        return rows;
    }

    private void requireRunning() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new QueryUnavailableException("routing-stream is " + streams.state()
                    + ", not RUNNING; tables are not complete yet, retry shortly", null);
        }
    }
}
