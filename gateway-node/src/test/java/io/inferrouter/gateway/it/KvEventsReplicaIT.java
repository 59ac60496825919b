package io.inferrouter.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferrouter.gateway.kv.EndpointBlocks;
import io.inferrouter.gateway.kv.KvBlockIndex;
import io.inferrouter.gateway.kv.KvEventsReplica;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.kv.KvBlockEvent;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.topics.TopicAdmin;
import io.inferrouter.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The KV-event replica against a real broker: ready only once it has folded everything the topic held
 * when it started (snapshots, batches, resets, in order per endpoint), unreadable records skipped and
 * counted, and records after that applied as they come.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class KvEventsReplicaIT {

    private static final ResourceKey POOL = ResourceKey.of("replica-it", "pool");

    @Test
    void readyMeansEveryRecordAtStartIsFoldedInAndLaterOnesFollow(KafkaEndpoint kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30)).ensure(Topics.all());
        }
        List<EndpointId> endpoints = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            endpoints.add(new EndpointId("replica-it", "pod-" + i, 8000));
        }
        // What a reader that folds every record in order must end with.
        KvBlockIndex expected = new KvBlockIndex(5_000);
        Random random = new Random(5);
        AtomicInteger skipped = new AtomicInteger();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            for (int n = 0; n < 4_000; n++) {
                EndpointId e = endpoints.get(random.nextInt(endpoints.size()));
                KvEventsRecord r = switch (random.nextInt(20)) {
                    case 0 -> KvEventsRecord.reset(e, POOL, "pod restarted", n, "it");
                    case 1, 2 -> KvEventsRecord.snapshot(e, POOL, n, random.longs(random.nextInt(50), 0, 2_000).toArray(), n, "it");
                    default -> new KvEventsRecord(e, POOL, KvEventsRecord.Kind.BATCH, n, 1.0, 0, List.of(
                            event(KvBlockEvent.Type.STORED, random.longs(1 + random.nextInt(8), 0, 2_000).toArray()),
                            event(KvBlockEvent.Type.REMOVED, random.longs(random.nextInt(4), 0, 2_000).toArray())),
                            List.of(), null, n, "it");
                };
                expected.apply(r);
                sent.add(send(producer, r));
                if (n % 1_000 == 0) {
                    sent.add(producer.send(new ProducerRecord<>(Topics.KV_EVENTS.name(), e.toString(),
                            "{\"not\": \"a kv record\"}".getBytes(StandardCharsets.UTF_8))));
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
            KvBlockIndex index = new KvBlockIndex(5_000);
            GatewayMetrics counting = new GatewayMetrics() {
                @Override
                public void kvEventsRecordSkipped() {
                    skipped.incrementAndGet();
                }
            };
            try (KvEventsReplica replica = new KvEventsReplica(kafka.bootstrapServers(), index, counting).start()) {
                assertThat(replica.awaitReady(Duration.ofSeconds(60))).isTrue();
                // Checked at once: ready must not come before the fold.
                for (EndpointId e : endpoints) {
                    assertThat(blocks(index.endpoint(e))).as(e.toString()).isEqualTo(blocks(expected.endpoint(e)));
                }
                assertThat(skipped.get()).isGreaterThanOrEqualTo(4);
                assertThat(index.recordsApplied()).isGreaterThanOrEqualTo(4_000);

                EndpointId late = endpoints.get(0);
                send(producer, KvEventsRecord.snapshot(late, POOL, 99_999, new long[] {424_242L}, 1, "it")).get();
                await().atMost(Duration.ofSeconds(30)).until(() -> index.endpoint(late) != null
                        && index.endpoint(late).holds(424_242L) && index.endpoint(late).size() == 1);
            }
        }
    }

    /**
     * The largest snapshot state-ingestor writes (its cap of 400,000 blocks per endpoint) is about 7.6 MB
     * of JSON, far past the broker's default 1 MB: the catalogue gives kv.events the room, and a producer
     * set up as the ingestor's (lz4, max.request.size of that room) gets it to the replica.
     */
    @Test
    void theLargestSnapshotAnEndpointMayHoldReachesTheIndex(KafkaEndpoint kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicAdmin(admin, (short) 1, Duration.ofSeconds(30)).ensure(Topics.all());
        }
        EndpointId big = new EndpointId("replica-it-big", "pod-0", 8000);
        long[] blocks = new Random(7).longs(400_000).distinct().toArray();
        KvEventsRecord snapshot = KvEventsRecord.snapshot(big, POOL, 1, blocks, 1, "it");
        byte[] json = Topics.KV_EVENTS.valueSerde().serializer().serialize(Topics.KV_EVENTS.name(), snapshot);
        assertThat(json.length).as("the snapshot's JSON").isGreaterThan(7_000_000)
                .isLessThan(Topics.KV_EVENTS_MAX_MESSAGE_BYTES);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.KV_EVENTS_MAX_MESSAGE_BYTES),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.KV_EVENTS.name(), big.toString(), json)).get();
        }
        KvBlockIndex index = new KvBlockIndex(500_000);
        try (KvEventsReplica replica = new KvEventsReplica(kafka.bootstrapServers(), index, new GatewayMetrics() {
        }).start()) {
            // The endpoint shows up as soon as the replica starts folding the snapshot in: wait for all of it.
            await().atMost(Duration.ofSeconds(60)).until(() -> index.endpoint(big) != null
                    && index.endpoint(big).size() == blocks.length);
            assertThat(index.endpoint(big).holds(blocks[0])).isTrue();
            assertThat(index.endpoint(big).holds(blocks[blocks.length - 1])).isTrue();
        }
    }

    /** What an endpoint holds, as a comparable text: null when unknown. */
    private static String blocks(EndpointBlocks e) {
        if (e == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(e.size() + ":");
        for (long h = 0; h < 2_000; h++) {
            if (e.holds(h)) {
                b.append(h).append(',');
            }
        }
        return b.toString();
    }

    private static KvBlockEvent event(KvBlockEvent.Type type, long[] hashes) {
        List<String> hex = java.util.Arrays.stream(hashes).mapToObj(KvBlockEvent::hex).toList();
        return new KvBlockEvent(type, hex, null, type == KvBlockEvent.Type.STORED ? 16 : null, null, "GPU");
    }

    /**
     * Keeps each endpoint's order through retries with one request in flight, without idempotence: on a
     * topic created a moment ago the broker may refuse the first batches (not yet leader) and then
     * reject an idempotent producer's retried sequence, expiring those records.
     */
    private static KafkaProducer<String, byte[]> producer(KafkaEndpoint kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    private static Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer, KvEventsRecord r) {
        return producer.send(new ProducerRecord<>(Topics.KV_EVENTS.name(), r.endpoint().toString(),
                Topics.KV_EVENTS.valueSerde().serializer().serialize(Topics.KV_EVENTS.name(), r)));
    }
}
