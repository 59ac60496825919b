package io.inferrouter.stream.query;

import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.stream.topology.StoreNames;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/** Where the topology's tables are held, as the Streams client knows it now. */
public interface TableLocations {

    /** An instance and the endpoint partitions whose active task it runs. */
    record Holder(HostInfo host, Set<Integer> endpointPartitions) {

        public Holder {
            endpointPartitions = Set.copyOf(endpointPartitions);
        }
    }

    KafkaStreams.State state();

    /** The instance whose active task holds the control-plane tables, or null when none does now. */
    HostInfo controlPlaneOwner();

    /** Every instance running active tasks of the endpoint tables, with their partitions. */
    List<Holder> endpointHolders();

    /** What {@code streams} knows from the group's assignment. */
    static TableLocations of(KafkaStreams streams) {
        return new TableLocations() {
            @Override
            public KafkaStreams.State state() {
                return streams.state();
            }

            @Override
            public HostInfo controlPlaneOwner() {
                KeyQueryMetadata meta = streams.queryMetadataForKey(StoreNames.POOL_ROWS, "-",
                        Serdes.String().serializer());
                return meta == null || meta == KeyQueryMetadata.NOT_AVAILABLE ? null : meta.activeHost();
            }

            @Override
            public List<Holder> endpointHolders() {
                // Partitions of the metrics topic name the endpoint tasks; standbys are not queried.
                return streams.streamsMetadataForStore(StoreNames.ENDPOINT_MEMBERSHIPS).stream()
                        .map(m -> new Holder(m.hostInfo(), m.topicPartitions().stream()
                                .filter(tp -> tp.topic().equals(Topics.ENDPOINT_METRICS.name()))
                                .map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new))))
                        .toList();
            }
        };
    }
}
