package io.inferrouter.ingestor.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferrouter.ingestor.metrics.MicrometerIngestorMetrics;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.PoolRef;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublisherTest {

    private static final ResourceKey CHAT = ResourceKey.of("llm", "chat");

    private final MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(),
            new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Publisher publisher = new Publisher(producer, new MicrometerIngestorMetrics(registry));

    @AfterEach
    void close() {
        publisher.close();
    }

    private static InferenceModel model(String criticality, long observedAtMs) {
        return new InferenceModel(ResourceMeta.of("llm", "chat"), "chat",
                criticality == null ? null : io.inferrouter.schemas.resources.Criticality.valueOf(criticality),
                List.of(), PoolRef.named("p"), List.of(), observedAtMs, "test");
    }

    private double count(String name, String tag, String value) {
        var c = registry.find(name).tag("topic", Topics.INFERENCE_MODELS.name()).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void anUnchangedRecordIsNotSentAgainEvenIfObservedLater() {
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model(null, 1));
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model(null, 2));
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model("Critical", 3));
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, null);
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, null);
        assertThat(producer.history()).hasSize(3);
        assertThat(producer.history().get(2).value()).isNull();
        assertThat(registry.find("ingestor_unchanged_skipped").counter().count()).isEqualTo(2);
    }

    @Test
    void aRetriableFailureIsSentAgainUntilItIsDelivered() {
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model("Critical", 1));
        assertThat(producer.errorNext(new NotLeaderOrFollowerException("broker moved"))).isTrue();
        assertThat(publisher.pendingRetries()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
        assertThat(publisher.pendingRetries()).isZero();
        assertThat(producer.completeNext()).isTrue();
        assertThat(count("ingestor_send_failures", "retriable", "true")).isEqualTo(1);
        assertThat(count("ingestor_records_published", "kind", "record")).isEqualTo(1);
        assertThat(registry.find("ingestor_send_retries").counter().count()).isEqualTo(1);
    }

    @Test
    void aFailedStateThatWasSupersededIsNotRetried() {
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model("Critical", 1));
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model("Sheddable", 2));
        assertThat(producer.errorNext(new NotLeaderOrFollowerException("broker moved"))).isTrue();
        assertThat(producer.completeNext()).isTrue();
        assertThat(publisher.pendingRetries()).as("the failed older state is not retried").isZero();
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void aRecordTheBrokerRefusesIsCountedAndTheNextEqualStateIsSentAgain() {
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model("Critical", 1));
        assertThat(producer.errorNext(new RecordTooLargeException("too large"))).isTrue();
        assertThat(count("ingestor_send_failures", "retriable", "false")).isEqualTo(1);
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model("Critical", 2));
        assertThat(producer.history()).as("not remembered as sent").hasSize(2);
    }

    @Test
    void aStandbyPublishesNothingAndResendsEverythingWhenActiveAgain() {
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model("Critical", 1));
        producer.completeNext();
        publisher.active(false);
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model("Sheddable", 2));
        EndpointMetrics m = EndpointMetrics.scraped(EndpointId.parse("llm/p:8000"), "10.0.0.1", 8000, "vllm",
                EngineLoad.of(0, 0, 0.0), CacheGeometry.UNKNOWN, 1, 1, "test");
        publisher.send(Topics.ENDPOINT_METRICS, m.endpoint(), m, 1);
        assertThat(producer.history()).hasSize(1);
        publisher.active(true);
        publisher.resource(Topics.INFERENCE_MODELS, CHAT, model("Critical", 3));
        assertThat(producer.history()).as("the same state is sent again after standby").hasSize(2);
    }

    @Test
    void anAcknowledgedTombstoneOfAMalformedKeyIsCountedAsPublished() {
        publisher.tombstoneMalformed(Topics.INFERENCE_MODELS, "not-a-namespace-slash-name");
        publisher.tombstoneMalformed(Topics.INFERENCE_MODELS, "neither");
        assertThat(producer.history()).extracting(r -> r.value()).containsOnlyNulls().hasSize(2);
        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.errorNext(new NotLeaderOrFollowerException("broker moved"))).isTrue();
        assertThat(count("ingestor_records_published", "kind", "tombstone")).isEqualTo(1);
        assertThat(count("ingestor_send_failures", "retriable", "true")).isEqualTo(1);
    }

    @Test
    void metricsAreSentEveryTimeAndFailuresAreCounted() {
        EndpointMetrics m = EndpointMetrics.scraped(EndpointId.parse("llm/p:8000"), "10.0.0.1", 8000, "vllm",
                EngineLoad.of(0, 0, 0.0), CacheGeometry.UNKNOWN, 1, 1, "test");
        publisher.send(Topics.ENDPOINT_METRICS, m.endpoint(), m, 1);
        publisher.send(Topics.ENDPOINT_METRICS, m.endpoint(), m, 1);
        assertThat(producer.history()).hasSize(2);
        producer.completeNext();
        producer.errorNext(new NotLeaderOrFollowerException("gone"));
        assertThat(registry.find("ingestor_send_failures").tag("topic", Topics.ENDPOINT_METRICS.name()).counter()
                .count()).isEqualTo(1);
        assertThat(registry.find("ingestor_metrics_publish_latency").timer().count()).isEqualTo(1);
    }
}
