package io.inferrouter.gateway.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.schemas.decisions.RoutingDecision;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DecisionLogTest {

    private static RoutingDecision decision(String id) {
        return new RoutingDecision(id, 1, "m", "m", ResourceKey.of("llm", "p"), null, null, 0, null, "default", false, List.of(), null, 10,
                new RoutingDecision.Outcome(200, null, 5L, 1, 2, 100, 1), 2, "gateway:test");
    }

    @Test
    void decisionsAreWrittenKeyedByRequestId() {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
                new ByteArraySerializer());
        try (DecisionLog log = new DecisionLog(producer, 100, GatewayMetrics.NOOP)) {
            log.record(decision("r1"));
            log.record(decision("r2"));
            await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
            assertThat(producer.history().get(0).topic()).isEqualTo(Topics.DECISIONS.name());
            assertThat(producer.history()).extracting(r -> r.key()).containsExactly("r1", "r2");
            assertThat(Topics.DECISIONS.valueSerde().deserializer().deserialize("d", producer.history().get(1).value()))
                    .isEqualTo(decision("r2"));
        }
    }

    @Test
    void whenKafkaIsDownTheBufferFillsAndNewDecisionsAreDroppedAndCounted() {
        // A producer that never completes its sends stands for an unreachable Kafka.
        MockProducer<String, byte[]> stuck = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record,
                    org.apache.kafka.clients.producer.Callback callback) {
                try {
                    Thread.currentThread().join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        AtomicInteger droppedByMetrics = new AtomicInteger();
        DecisionLog log = new DecisionLog(stuck, 3, new GatewayMetrics() {
            @Override
            public void decisionDropped() {
                droppedByMetrics.incrementAndGet();
            }
        });
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            log.record(decision("r" + i));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        // One is held by the blocked sender, three wait in the buffer, the rest are dropped.
        assertThat(log.dropped()).isBetween(16L, 17L);
        assertThat(droppedByMetrics.get()).isEqualTo((int) log.dropped());
    }
}
