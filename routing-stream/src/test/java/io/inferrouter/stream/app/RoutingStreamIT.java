package io.inferrouter.stream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.metrics.CacheGeometry;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.metrics.EngineLoad;
import io.inferrouter.schemas.resources.Criticality;
import io.inferrouter.schemas.resources.InferenceModel;
import io.inferrouter.schemas.resources.InferencePool;
import io.inferrouter.schemas.resources.Pod;
import io.inferrouter.schemas.resources.PoolRef;
import io.inferrouter.schemas.resources.ResourceMeta;
import io.inferrouter.schemas.serde.Json;
import io.inferrouter.schemas.tables.EndpointRow;
import io.inferrouter.schemas.topics.DeadLetterHeaders;
import io.inferrouter.schemas.topics.Topic;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.support.TopicSetup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Resources in through a real broker, tables out, and the same tables over the query API. */
@ExtendWith(EmbeddedKafkaExtension.class)
class RoutingStreamIT {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoutingStreamIT.class);

    private final HttpClient http = HttpClient.newHttpClient();

    @org.junit.jupiter.api.BeforeEach
    void topics(KafkaEndpoint kafka) {
        TopicSetup.ensure(kafka.bootstrapServers(), (short) 1, Duration.ofSeconds(30), Topics.all());
    }

    @Test
    void resourcesInTablesOutQueriedOverHttp(KafkaEndpoint kafka, @TempDir Path state) throws Exception {
        String ns = "it-" + UUID.randomUUID().toString().substring(0, 8);
        RoutingStreamConfig config = new RoutingStreamConfig(kafka.bootstrapServers(), "routing-stream-" + ns,
                state, "127.0.0.1", 0, null, 1, 0, (short) 1, "at_least_once", Duration.ofMillis(100), false,
                Duration.ofMinutes(10), ns, Duration.ofSeconds(6));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (RoutingStreamServer server = RoutingStreamServer.start(config, registry);
             KafkaProducer<String, byte[]> producer = producer(kafka);
             TableReader endpoints = new TableReader(kafka, Topics.TABLE_ENDPOINTS.name())) {
            String base = "http://127.0.0.1:" + server.port();
            await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/ready").statusCode() == 200);

            long now = System.currentTimeMillis();
            send(producer, Topics.INFERENCE_POOLS, ns + "/llama", new InferencePool(new ResourceMeta(ns, "llama", null,
                    null, 1, now), InferencePool.API_V1, Map.of("app", "llama"), List.of(8000), null, null, List.of(),
                    now, "it"));
            send(producer, Topics.PODS, ns + "/p0", new Pod(new ResourceMeta(ns, "p0", null, null, 1, now), "127.0.1.1",
                    Map.of("app", "llama"), true, false, List.of(8000), "n", List.of(), now, "it"));
            send(producer, Topics.INFERENCE_MODELS, ns + "/chat", new InferenceModel(new ResourceMeta(ns, "chat", null,
                    null, 1, now), "chat", Criticality.Standard, List.of(), PoolRef.named("llama"), List.of(), now, "it"));
            String endpoint = ns + "/p0:8000";
            String rowKey = ns + "/llama|" + endpoint;

            await().atMost(Duration.ofSeconds(30)).until(() -> endpoints.latest(rowKey) != null);

            send(producer, Topics.ENDPOINT_METRICS, endpoint, metrics(endpoint, 3, System.currentTimeMillis()));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                EndpointRow row = endpoints.latest(rowKey);
                return row != null && row.report() != null && row.report().load().waitingRequests() == 3;
            });

            JsonNode pool = json(get(base + "/v1/pools/" + ns + "/llama"));
            assertThat(pool.at("/pool/status").asText()).isEqualTo("Accepted");
            assertThat(pool.at("/endpoints/0/endpoint").asText()).isEqualTo(endpoint);
            assertThat(pool.at("/endpoints/0/metrics/waitingRequests").asInt()).isEqualTo(3);
            assertThat(pool.at("/models/0/modelName").asText()).isEqualTo("chat");
            assertThat(json(get(base + "/v1/status")).at("/resources").size()).isGreaterThanOrEqualTo(2);
            assertThat(get(base + "/v1/pools/" + ns + "/nope").statusCode()).isEqualTo(404);
            assertThat(get(base + "/v1/pools/" + ns + "/%20").statusCode()).isEqualTo(404);
            assertThat(get(base + "/internal/endpoints?pool=no-namespace").body()).isEqualTo("[]");
            assertThat(json(get(base + "/internal/endpoints?pool=" + ns + "/llama")).at("/0/endpoint").asText())
                    .isEqualTo(endpoint);
            assertThat(get(base + "/metrics").body()).contains("routing_stream_rows_emitted");
            // The Streams client's own metrics, bound through Micrometer's KafkaStreamsMetrics, and live:
            // the thread has processed the records above.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(base + "/metrics").body())
                    .containsPattern("(?m)^kafka_stream_alive_stream_threads\\{.*\\} 1\\.0$")
                    .containsPattern("(?m)^kafka_stream_client_state\\{")
                    .containsPattern("(?m)^kafka_stream_thread_process_total\\{.*\\} [1-9][0-9]*\\.0$")
                    .containsPattern("(?m)^kafka_stream_thread_commit_total\\{"));

            // An unreadable record on a real broker lands on dead-letters, and the topology carries on.
            String poison = "{not json " + ns;
            producer.send(new ProducerRecord<>(Topics.PODS.name(), ns + "/bad", poison.getBytes(StandardCharsets.UTF_8)))
                    .get();
            ConsumerRecord<String, byte[]> letter = deadLetter(kafka, poison);
            assertThat(letter.key()).startsWith(Topics.PODS.name() + "/0/");
            assertThat(new String(letter.headers().lastHeader(DeadLetterHeaders.MESSAGE).value(),
                    StandardCharsets.UTF_8)).isNotBlank();

            Freshness f = freshness(producer, endpoints, endpoint, rowKey, 200);
            // Reported, not asserted: a shared 2-core machine makes any bound flaky. See BENCHMARKS.md.
            System.out.printf("routing-stream freshness (metrics record produced -> endpoint row read from %s),"
                            + " n=%d: p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms%n", Topics.TABLE_ENDPOINTS.name(),
                    f.samples(), f.percentileMs(50), f.percentileMs(90), f.percentileMs(99), f.percentileMs(100));
            assertThat(f.samples()).isEqualTo(200);
        }
    }

    @Test
    void twoInstancesGiveTheSameCompleteAnswers(KafkaEndpoint kafka, @TempDir Path stateA, @TempDir Path stateB)
            throws Exception {
        String ns = "two-" + UUID.randomUUID().toString().substring(0, 8);
        String appId = "routing-stream-" + ns;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            long now = System.currentTimeMillis();
            send(producer, Topics.INFERENCE_POOLS, ns + "/llama", new InferencePool(new ResourceMeta(ns, "llama", null,
                    null, 1, now), InferencePool.API_V1, Map.of("app", "llama"), List.of(8000), null, null, List.of(),
                    now, "it"));
            for (int i = 0; i < 8; i++) {
                send(producer, Topics.PODS, ns + "/p" + i, new Pod(new ResourceMeta(ns, "p" + i, null, null, 1, now),
                        "127.0.1." + (i + 1), Map.of("app", "llama"), true, false, List.of(8000), "n", List.of(), now, "it"));
            }
            try (RoutingStreamServer a = RoutingStreamServer.start(config(kafka, appId, stateA), registry);
                 RoutingStreamServer b = RoutingStreamServer.start(config(kafka, appId, stateB),
                         new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                String urlA = "http://127.0.0.1:" + a.port() + "/v1/pools/" + ns + "/llama";
                String urlB = "http://127.0.0.1:" + b.port() + "/v1/pools/" + ns + "/llama";
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (a.app().streams().streamsMetadataForStore("endpoint-memberships").size() != 2) {
                        return false;
                    }
                    HttpResponse<String> ra = get(urlA);
                    HttpResponse<String> rb = get(urlB);
                    return ra.statusCode() == 200 && rb.statusCode() == 200
                            && json(ra).at("/endpoints").size() == 8 && json(rb).at("/endpoints").size() == 8;
                });
                // Both instances hold part of the endpoint partitions, and each answers with all eight.
                assertThat(json(get(urlA)).at("/endpoints")).isEqualTo(json(get(urlB)).at("/endpoints"));
                assertThat(json(get("http://127.0.0.1:" + b.port() + "/v1/pools")))
                        .isEqualTo(json(get("http://127.0.0.1:" + a.port() + "/v1/pools")));
            }
        }
    }

    @Test
    void aRestartedInstanceRunsAgainInSecondsNotAfterTheSessionTimeout(KafkaEndpoint kafka, @TempDir Path state)
            throws Exception {
        String appId = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        // A session far longer than the test may wait: a restart that waited for it would fail.
        RoutingStreamConfig config = config(kafka, appId, state, "rs-0", Duration.ofSeconds(45), 1);
        RoutingStreamServer first = RoutingStreamServer.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        await().atMost(Duration.ofSeconds(60)).until(() -> first.app().ready());
        first.close();

        // A clean stop leaves the group: the next start is alone in it.
        long cleanMs = timeToRunning(config);
        // A killed instance stays in the group until its session ends; back under its id it takes its tasks again.
        long killedMs = timeToRunningAfterKill(config);
        LOG.info("routing-stream back to RUNNING afterCleanStopMs={} afterKillMs={}", cleanMs, killedMs);
        assertThat(cleanMs).isLessThan(15_000);
        assertThat(killedMs).isLessThan(15_000);
    }

    /** Starts an instance, returns the milliseconds until it is RUNNING, and stops it cleanly. */
    private static long timeToRunning(RoutingStreamConfig config) {
        long t0 = System.nanoTime();
        try (RoutingStreamServer s = RoutingStreamServer.start(config,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(20)).until(() -> s.app().ready());
            return (System.nanoTime() - t0) / 1_000_000;
        }
    }

    /** Starts an instance and kills it once RUNNING; returns how long the next start takes to be RUNNING. */
    private static long timeToRunningAfterKill(RoutingStreamConfig config) {
        RoutingStreamServer s = RoutingStreamServer.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        await().atMost(Duration.ofSeconds(40)).until(() -> s.app().ready());
        s.kill();
        return timeToRunning(config);
    }

    @Test
    void aKilledInstanceOfTwoIsReplacedByItsStandbyWithinSeconds(KafkaEndpoint kafka, @TempDir Path stateA,
                                                                 @TempDir Path stateB) throws Exception {
        String ns = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        String appId = "routing-stream-" + ns;
        Duration session = Duration.ofSeconds(2);
        try (KafkaProducer<String, byte[]> producer = producer(kafka);
             TableReader endpoints = new TableReader(kafka, Topics.TABLE_ENDPOINTS.name())) {
            long now = System.currentTimeMillis();
            send(producer, Topics.INFERENCE_POOLS, ns + "/llama", new InferencePool(new ResourceMeta(ns, "llama", null,
                    null, 1, now), InferencePool.API_V1, Map.of("app", "llama"), List.of(8000), null, null, List.of(),
                    now, "it"));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                send(producer, Topics.PODS, ns + "/p" + i, new Pod(new ResourceMeta(ns, "p" + i, null, null, 1, now),
                        "127.0.1." + (i + 1), Map.of("app", "llama"), true, false, List.of(8000), "n", List.of(), now, "it"));
                ids.add(ns + "/p" + i + ":8000");
            }
            RoutingStreamServer a = RoutingStreamServer.start(config(kafka, appId, stateA, "rs-a", session, 1),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            try (RoutingStreamServer b = RoutingStreamServer.start(config(kafka, appId, stateB, "rs-b", session, 1),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                // Both running, each active for some endpoint partitions, and every endpoint's metrics flowing.
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
                        a.app().ready() && b.app().ready()
                                && a.app().streams().streamsMetadataForStore("endpoint-memberships").size() == 2
                                && allFresh(producer, endpoints, ns, ids, 1));
                a.kill();
                long killed = System.nanoTime();
                int wave = 2;
                while (!allFresh(producer, endpoints, ns, ids, wave++)) {
                    assertThat(System.nanoTime() - killed).as("tables fresh again after the kill")
                            .isLessThan(Duration.ofSeconds(20).toNanos());
                }
                long freshMs = (System.nanoTime() - killed) / 1_000_000;
                LOG.info("routing-stream instance killed; every endpoint's row fresh again after ms={} (session {})",
                        freshMs, session);
                assertThat(freshMs).isLessThan(session.toMillis() + 6_000);
            }
        }
    }

    /**
     * Sends one metrics scrape per endpoint, all saying {@code wave} requests wait, and reports whether
     * every endpoint's row carries it within half a second.
     */
    private static boolean allFresh(KafkaProducer<String, byte[]> producer, TableReader endpoints, String ns,
                                    List<String> ids, int wave) throws Exception {
        for (String id : ids) {
            send(producer, Topics.ENDPOINT_METRICS, id, metrics(id, wave, System.currentTimeMillis()));
        }
        long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (String id : ids) {
                EndpointRow row = endpoints.latest(ns + "/llama|" + id);
                all &= row != null && row.report() != null && row.report().load().waitingRequests() == wave;
            }
            if (all) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    private static RoutingStreamConfig config(KafkaEndpoint kafka, String appId, Path state) {
        return config(kafka, appId, state, "rs-" + UUID.randomUUID().toString().substring(0, 8), Duration.ofSeconds(6), 0);
    }

    private static RoutingStreamConfig config(KafkaEndpoint kafka, String appId, Path state, String instanceId,
                                              Duration session, int standbys) {
        return new RoutingStreamConfig(kafka.bootstrapServers(), appId, state, "127.0.0.1", 0, null, 1, standbys,
                (short) 1, "at_least_once", Duration.ofMillis(100), true, Duration.ofMinutes(10), instanceId, session);
    }

    /** Latencies of metric changes, sorted, with nearest-rank percentiles. */
    private record Freshness(List<Long> sortedNanos) {

        int samples() {
            return sortedNanos.size();
        }

        double percentileMs(double p) {
            int rank = (int) Math.ceil(p / 100 * sortedNanos.size());
            return sortedNanos.get(Math.max(0, rank - 1)) / 1e6;
        }
    }

    /**
     * Time from producing a metrics change to the reader consuming the endpoint row that carries it,
     * one change at a time. The reader stamps each row as it reads it, so the test's polling does not
     * add to the figure.
     */
    private Freshness freshness(KafkaProducer<String, byte[]> producer, TableReader endpoints, String endpoint,
                                String rowKey, int samples) throws Exception {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            int waiting = 100 + i;
            long sent = System.nanoTime();
            send(producer, Topics.ENDPOINT_METRICS, endpoint, metrics(endpoint, waiting, System.currentTimeMillis()));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
                EndpointRow row = endpoints.latest(rowKey);
                return row != null && row.report() != null && row.report().load().waitingRequests() == waiting;
            });
            latencies.add(endpoints.readAtNanos(rowKey) - sent);
        }
        Collections.sort(latencies);
        return new Freshness(List.copyOf(latencies));
    }

    /** Reads dead-letters from the beginning until the record whose value is {@code value}. */
    private static ConsumerRecord<String, byte[]> deadLetter(KafkaEndpoint kafka, String value) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> parts = List.of(
                    new org.apache.kafka.common.TopicPartition(Topics.DEAD_LETTERS.name(), 0));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (value.equals(new String(r.value(), StandardCharsets.UTF_8))) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }

    private static EndpointMetrics metrics(String endpoint, int waiting, long at) {
        return EndpointMetrics.scraped(EndpointId.parse(endpoint), "127.0.1.1", 8000, "vllm",
                EngineLoad.of(waiting, 1, 0.25), new CacheGeometry(16, 1000, 0L, 0L), 100, at, "it");
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, Topic<String, V> topic, String key, V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(),
                value))).get();
    }

    private static KafkaProducer<String, byte[]> producer(KafkaEndpoint kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    /** Follows a table topic on a background thread, keeping the latest row per key. */
    private static final class TableReader implements AutoCloseable {
        private final Map<String, EndpointRow> latest = new ConcurrentHashMap<>();
        private final Map<String, Long> readAt = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        TableReader(KafkaEndpoint kafka, String topic) {
            thread = Thread.ofVirtual().start(() -> {
                try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5), new StringDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    while (running) {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                            if (r.value() == null) {
                                latest.remove(r.key());
                            } else {
                                long now = System.nanoTime();
                                // The stamp first: whoever sees the row also sees when it was read.
                                readAt.put(r.key(), now);
                                latest.put(r.key(), Topics.TABLE_ENDPOINTS.valueSerde().deserializer()
                                        .deserialize(topic, r.value()));
                            }
                        }
                    }
                }
            });
        }

        EndpointRow latest(String key) {
            return latest.get(key);
        }

        /** {@link System#nanoTime()} when the latest row of {@code key} was read. */
        long readAtNanos(String key) {
            return readAt.get(key);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }
    }
}
