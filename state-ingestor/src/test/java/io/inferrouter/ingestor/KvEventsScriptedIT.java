package io.inferrouter.ingestor;

import static io.inferrouter.ingestor.ScriptedKvPod.seqBytes;
import static io.inferrouter.ingestor.ScriptedKvPod.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferrouter.ingestor.kube.Kinds;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.kv.KvBlockEvent;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.kv.MalformedKvEventsException;
import io.inferrouter.schemas.topics.DeadLetterHeaders;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The KV-event subscriber against publishers scripted to the message: batches the SUB socket misses and
 * the replay socket fills in, replays that cannot fill a gap (too short a buffer, no answer), and
 * messages that cannot be read. One ingestor follows a pool per test, each with its scripted pod.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KvEventsScriptedIT {

    private static final String NS = "kv-scripted";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private ApiServer api;
    private StateIngestor ingestor;
    private TopicRecords<KvEventsRecord> kv;
    private TopicRecords<byte[]> letters;

    @BeforeAll
    void start(KafkaEndpoint kafka) {
        api = new ApiServer();
        api.namespace(NS);
        ingestor = StateIngestor.start(IngestorConfig.of(Map.of("kafka.bootstrap-servers", kafka.bootstrapServers(),
                "namespaces", NS, "http.port", "0", "identity", "kv-scripted", "scrape.timeout", "100ms",
                "scrape.max-backoff", "5s", "kv-events.replay-timeout", "300ms", "kv-events.replay-attempts", "2")),
                registry, api.client());
        kv = new TopicRecords<>(kafka.bootstrapServers(), Topics.KV_EVENTS);
        letters = new TopicRecords<>(kafka.bootstrapServers(), Topics.DEAD_LETTERS);
    }

    @AfterAll
    void stop() throws InterruptedException {
        letters.close();
        kv.close();
        ingestor.close();
        api.close();
    }

    @Test
    void aBatchTheSubscriberMissedIsFilledInFromTheReplaySocketInOrder() throws Exception {
        try (ScriptedKvPod pod = new ScriptedKvPod("127.0.1.71")) {
            // given a pod that published two batches before anyone listened, answering replays in vLLM 0.26's
            // map form (with the topic frame)
            pod.replies(ScriptedKvPod.Replies.MAP);
            pod.bufferOnly(0, stored(1));
            pod.bufferOnly(1, stored(2));
            String ep = member(pod, "gap");
            awaitKinds(ep, "SNAPSHOT:1");
            assertThat(kv.values(ep).getFirst().blocks()).containsExactly(hex(1), hex(2));
            pod.awaitSubscriber(WAIT);

            // when batch 3 is lost on the way and 2 and 4 arrive
            pod.publish(2, stored(3));
            pod.bufferOnly(3, stored(4));
            pod.publish(4, stored(5));

            // then 3 is asked for again and every batch is on the topic once, in order
            awaitKinds(ep, "SNAPSHOT:1", "BATCH:2", "BATCH:3", "BATCH:4");
            assertThat(pod.requests()).containsExactly(0L, 3L);
            assertThat(kv.values(ep).get(2).events()).singleElement()
                    .satisfies(e -> assertThat(e.hashes()).containsExactly(hex(4)));
        }
    }

    @Test
    void aGapTheReplayCannotFillIsAResetAndTheStreamGoesOn() throws Exception {
        try (ScriptedKvPod pod = new ScriptedKvPod("127.0.1.72")) {
            pod.bufferOnly(0, stored(1));
            String ep = member(pod, "lost");
            awaitKinds(ep, "SNAPSHOT:0");
            pod.awaitSubscriber(WAIT);
            pod.publish(1, stored(2));

            // when 2 and 3 are missed and the pod no longer has them either
            pod.bufferOnly(4, stored(5));
            pod.publish(5, stored(6));

            // then readers are told to forget the endpoint, and it goes on from what the pod still has
            awaitKinds(ep, "SNAPSHOT:0", "BATCH:1", "RESET:-1", "BATCH:4", "BATCH:5");
            assertThat(kv.values(ep).get(2).reason()).startsWith("gap not recoverable").contains("starts at 4");

            // when the replay socket stops answering and 6 is missed
            pod.replies(ScriptedKvPod.Replies.SILENT);
            pod.bufferOnly(6, stored(7));
            pod.publish(7, stored(8));

            // then, after every attempt, the same
            awaitKinds(ep, "SNAPSHOT:0", "BATCH:1", "RESET:-1", "BATCH:4", "BATCH:5", "RESET:-1", "BATCH:7");
            assertThat(kv.values(ep).get(5).reason()).contains("did not answer 2 requests");
            // (both attempts were made, as the reason says; a connection that does not come up in time, rare
            // with JeroMQ, would keep the second from arriving)
            assertThat(pod.requests()).startsWith(0L, 2L, 6L).containsOnly(0L, 2L, 6L).hasSizeLessThanOrEqualTo(4);
            assertThat(registry.scrape()).contains("ingestor_kv_replays_total{outcome=\"unanswered\"} 1.0")
                    .contains("ingestor_kv_resets_total{reason=\"gap\"} 2.0");
        }
    }

    @Test
    void unreadableMessagesGoToDeadLettersWithTheReasonAndNothingStops() throws Exception {
        try (ScriptedKvPod pod = new ScriptedKvPod("127.0.1.73")) {
            pod.bufferOnly(0, stored(1));
            String ep = member(pod, "poison");
            awaitKinds(ep, "SNAPSHOT:0");
            pod.awaitSubscriber(WAIT);

            // when a payload is no msgpack batch, a message lacks its payload and one has a short seq
            pod.publish(1, "not msgpack".getBytes(StandardCharsets.UTF_8));
            pod.send(ScriptedKvPod.TOPIC, seqBytes(2));
            pod.send(ScriptedKvPod.TOPIC, new byte[] {2}, stored(9));
            pod.publish(2, stored(3));

            // then the good batch after them is published, without a gap or a reset
            awaitKinds(ep, "SNAPSHOT:0", "BATCH:2");
            assertThat(pod.requests()).as("the bad batch 1 counts as received").containsExactly(0L);

            // and each bad one is a dead letter, as it was, with why and where from
            String prefix = "kv-events/" + ep + "/";
            await().atMost(WAIT).until(() -> letters.all().stream().filter(r -> r.key().startsWith(prefix)).count() == 3);
            List<TopicRecords.Rec<byte[]>> mine = letters.all().stream().filter(r -> r.key().startsWith(prefix)).toList();
            TopicRecords.Rec<byte[]> payload = mine.stream().filter(r -> r.key().equals(prefix + "1")).findFirst()
                    .orElseThrow();
            assertThat(new String(payload.value(), StandardCharsets.UTF_8)).isEqualTo("not msgpack");
            assertThat(payload.headers()).containsEntry(DeadLetterHeaders.EXCEPTION,
                    MalformedKvEventsException.class.getName()).containsEntry(DeadLetterHeaders.ENDPOINT, ep)
                    .containsEntry(DeadLetterHeaders.SOURCE, "kv-events tcp://127.0.1.73:" + pod.port);
            assertThat(payload.headers().get(DeadLetterHeaders.MESSAGE)).startsWith("malformed KV event batch");
            assertThat(mine).filteredOn(r -> r.key().equals(prefix + "-"))
                    .extracting(r -> r.headers().get(DeadLetterHeaders.MESSAGE))
                    .anySatisfy(m -> assertThat(m).contains("expected 3 frames"))
                    .anySatisfy(m -> assertThat(m).contains("8-byte"));
            assertThat(registry.scrape()).contains("ingestor_kv_malformed_total{reason=\"payload\"} 1.0")
                    .contains("ingestor_kv_malformed_total{reason=\"frames\"} 1.0")
                    .contains("ingestor_kv_malformed_total{reason=\"seq\"} 1.0");
        }
    }

    /**
     * A publisher that accepts the TCP connection but never finishes the ZMTP handshake (as JeroMQ's client
     * side sometimes leaves it) must not keep the subscription deaf for ZeroMQ's default 30 s: the socket
     * gives the handshake {@code HANDSHAKE_TIMEOUT_MS}, drops the connection and connects again.
     */
    @Test
    void aConnectionWhoseHandshakeNeverEndsIsDroppedAndMadeAgain() throws Exception {
        List<Long> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.net.ServerSocket silent = new java.net.ServerSocket()) {
            silent.bind(new java.net.InetSocketAddress("127.0.1.74", 0));
            Thread acceptor = Thread.ofVirtual().start(() -> {
                List<java.net.Socket> held = new java.util.ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept()); // kept open, never answered
                        accepted.add(System.nanoTime());
                    }
                } catch (java.io.IOException e) {
                    held.forEach(h -> {
                        try {
                            h.close();
                        } catch (java.io.IOException ignored) {
                            // closing anyway
                        }
                    });
                }
            });
            api.create(Kinds.INFERENCE_POOL_V1, NS, "silent", Map.of("selector", Map.of("matchLabels",
                    Map.of("app", "silent")), "targetPorts", List.of(Map.of("number", 8000))));
            api.pod(NS, "silent-0", Map.of("app", "silent"), Map.of("inferrouter.io/kv-events-port",
                    Integer.toString(silent.getLocalPort()), "inferrouter.io/kv-events-replay-port", "0"),
                    "127.0.1.74", 8000, true);
            await().atMost(WAIT).until(() -> accepted.size() >= 2);
            long gapMs = (accepted.get(1) - accepted.get(0)) / 1_000_000;
            assertThat(gapMs).as("ms from the stalled connection to the next").isGreaterThanOrEqualTo(
                    io.inferrouter.ingestor.kv.KvEventsSubscriber.HANDSHAKE_TIMEOUT_MS / 2).isLessThan(10_000);
            silent.close();
            acceptor.join(5_000);
        }
    }

    /** A pool of its own with the scripted pod as its ready member, ports by annotation; the endpoint key. */
    private String member(ScriptedKvPod pod, String name) {
        api.create(Kinds.INFERENCE_POOL_V1, NS, name, Map.of("selector", Map.of("matchLabels", Map.of("app", name)),
                "targetPorts", List.of(Map.of("number", 8000))));
        api.pod(NS, name + "-0", Map.of("app", name), pod.annotations(), pod.address, 8000, true);
        return NS + "/" + name + "-0:8000";
    }

    /** Waits until the endpoint's records are exactly these, as {@code KIND:seq}. */
    private void awaitKinds(String ep, String... expected) {
        await().atMost(WAIT).until(() -> kinds(ep).size() >= expected.length);
        assertThat(kinds(ep)).containsExactly(expected);
    }

    private List<String> kinds(String ep) {
        return kv.values(ep).stream().map(r -> r.kind() + ":" + r.seq()).toList();
    }

    private static String hex(long hash) {
        return KvBlockEvent.hex(hash);
    }
}
