package io.inferrouter.ingestor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferrouter.ingestor.kube.Kinds;
import io.inferrouter.kafka.embedded.EmbeddedKafkaExtension;
import io.inferrouter.kafka.embedded.KafkaEndpoint;
import io.inferrouter.schemas.kv.BlockHash;
import io.inferrouter.schemas.kv.BlockHasher;
import io.inferrouter.schemas.kv.KvBlockEvent;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.kv.KvEventsRecord.Kind;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.topics.Topics;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.engine.Tokenizer;
import io.inferrouter.sim.events.KvEventsConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import io.inferrouter.sim.fleet.SimPod;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The KV-event subscriber against simulated vLLM pods (model-sim, real ZeroMQ sockets on loopback
 * addresses, ports given by pod annotations): batches on {@code kv.events} keyed by endpoint, snapshots
 * that hold exactly the blocks a pod caches (computed here from the prompts, as a router would), a pod
 * restart, and two replicas that each follow their own endpoints once.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KvEventsIT {

    private static final BlockHasher HASHER = BlockHasher.seeded(SimConfig.DEFAULT_HASH_SEED);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger unique = new AtomicInteger();
    private ApiServer api;
    private SimFleet fleet;
    private int port;
    private TopicRecords<KvEventsRecord> kv;
    private String bootstrap;

    @BeforeAll
    void start(KafkaEndpoint kafka) throws Exception {
        api = new ApiServer();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // A cache far larger than the prompts: nothing is evicted, so what a pod holds is what it was sent.
        fleet = SimFleet.start(new FleetConfig(5, "127.0.1.60", port, SimConfig.defaults().withTimeScale(0.02)
                .withCache(2_000), Map.of(), KvEventsConfig.onFreePorts()));
        bootstrap = kafka.bootstrapServers();
        kv = new TopicRecords<>(bootstrap, Topics.KV_EVENTS);
    }

    @AfterAll
    void stop() throws InterruptedException {
        kv.close();
        fleet.close();
        api.close();
    }

    @Test
    void everyPodsBatchesArriveKeyedByEndpointAndSnapshotsHoldExactlyTheBlocksThePodHolds() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String ep0 = member("kv-sim", 0);
        String ep1 = member("kv-sim", 1);
        try (StateIngestor ingestor = ingestor("kv-sim", "kv-sim", registry, "1s")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> ingestor.kvEventEndpoints().equals(
                    Set.of(EndpointId.parse(ep0), EndpointId.parse(ep1))));
            awaitKind(ep0, Kind.SNAPSHOT, 0);
            awaitKind(ep1, Kind.SNAPSHOT, 0);

            // when two prompts go to the first pod and one to the second
            String a = prompt(5);
            String b = prompt(3);
            String c = prompt(4);
            complete(fleet.pod(0), a);
            complete(fleet.pod(0), b);
            complete(fleet.pod(1), c);

            // then each prompt's blocks arrive as one STORED event of its endpoint, in chain order
            await().atMost(Duration.ofSeconds(20)).until(() -> stored(ep0).containsAll(List.of(hex(a), hex(b)))
                    && stored(ep1).contains(hex(c)));
            // and a later snapshot holds exactly the blocks each pod holds, at the last batch it applied
            Set<String> expected0 = new HashSet<>(hex(a));
            expected0.addAll(hex(b));
            KvEventsRecord snap0 = awaitSnapshot(ep0, expected0);
            KvEventsRecord snap1 = awaitSnapshot(ep1, new HashSet<>(hex(c)));
            assertThat(snap0.seq()).isEqualTo(lastBatch(ep0).seq());
            assertThat(snap1.seq()).isEqualTo(lastBatch(ep1).seq());
            for (TopicRecords.Rec<KvEventsRecord> r : kv.all()) {
                if (r.key().equals(ep0) || r.key().equals(ep1)) {
                    assertThat(r.value().endpoint()).hasToString(r.key());
                    assertThat(r.value().pool()).hasToString("kv-sim/sim");
                    assertThat(r.value().source()).isEqualTo("state-ingestor:kv-sim");
                }
            }
            assertThat(kinds(ep0)).as("no gap, no reset").doesNotContain(Kind.RESET);
            String metrics = registry.scrape();
            assertThat(metrics).contains("ingestor_kv_endpoints 2.0").contains("ingestor_kv_batches_total")
                    .contains("ingestor_kv_publish_latency_seconds_count").contains("ingestor_kv_snapshots_total");
        }
    }

    @Test
    void aRestartedPodIsAResetThenASnapshotOfItsNewCache() throws Exception {
        String ep = member("kv-restart", 2);
        SimPod pod = fleet.pod(2);
        try (StateIngestor ingestor = ingestor("kv-restart", "kv-restart",
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "15m")) {
            awaitKind(ep, Kind.SNAPSHOT, 0);
            String before = prompt(3);
            complete(pod, before);
            await().atMost(Duration.ofSeconds(20)).until(() -> stored(ep).contains(hex(before)));
            int seen = kv.values(ep).size();

            // when the pod dies and comes back as a new process (its first batch: AllBlocksCleared, seq 0)
            pod.kill();
            pod.restart();

            // then readers are told to forget it, and get its new, empty cache whole
            await().atMost(Duration.ofSeconds(20)).until(() -> kv.values(ep).subList(seen, kv.values(ep).size())
                    .stream().anyMatch(r -> r.kind() == Kind.SNAPSHOT));
            List<KvEventsRecord> after = kv.values(ep).subList(seen, kv.values(ep).size());
            assertThat(after.getFirst().kind()).isEqualTo(Kind.RESET);
            assertThat(after.getFirst().reason()).startsWith("pod restarted");
            KvEventsRecord snapshot = after.stream().filter(r -> r.kind() == Kind.SNAPSHOT).findFirst().orElseThrow();
            assertThat(snapshot.seq()).as("AllBlocksCleared, the new process's batch 0, applied").isZero();
            assertThat(snapshot.blocks()).isEmpty();

            // and the new process's blocks follow as usual
            String later = prompt(2);
            complete(pod, later);
            awaitSnapshotAfterEvents(ep, new HashSet<>(hex(later)));
            assertThat(ingestor.kvEventEndpoints()).containsExactly(EndpointId.parse(ep));
        }
    }

    @Test
    void twoReplicasEachFollowTheEndpointsOfTheirNamespacesOnceAndAnEndpointThatLeavesIsAReset() throws Exception {
        String a = member("kv-ha-a", 3);
        String b = member("kv-ha-b", 4);
        try (StateIngestor first = ingestor("kv-ha-a", "ha-a", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                "15m");
             StateIngestor second = ingestor("kv-ha-b", "ha-b", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                     "15m")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> first.kvEventEndpoints().equals(Set.of(EndpointId.parse(a)))
                    && second.kvEventEndpoints().equals(Set.of(EndpointId.parse(b))));
            String pa = prompt(2);
            String pb = prompt(2);
            complete(fleet.pod(3), pa);
            complete(fleet.pod(4), pb);
            await().atMost(Duration.ofSeconds(20)).until(() -> stored(a).contains(hex(pa)) && stored(b).contains(hex(pb)));

            assertThat(kv.values(a)).as("followed by its own replica only").allMatch(r -> r.source().endsWith(":ha-a"));
            assertThat(kv.values(b)).allMatch(r -> r.source().endsWith(":ha-b"));
            assertThat(kinds(a).stream().filter(k -> k == Kind.SNAPSHOT)).as("subscribed once").hasSize(1);
            assertThat(kinds(b).stream().filter(k -> k == Kind.SNAPSHOT)).hasSize(1);
            assertThat(stored(a)).as("each batch once").containsOnlyOnce(hex(pa));

            // when the first pod is no longer ready
            api.setReady("kv-ha-a", "sim-3", false);

            // then its replica stops following it and tells readers to forget it
            await().atMost(Duration.ofSeconds(20)).until(() -> first.kvEventEndpoints().isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> kinds(a).getLast() == Kind.RESET);
            assertThat(kv.values(a).getLast().reason()).startsWith("endpoint left");
            assertThat(second.kvEventEndpoints()).containsExactly(EndpointId.parse(b));
        }
    }

    /** A pool of its own in {@code ns} with fleet pod {@code i} as its ready member; the endpoint key. */
    private String member(String ns, int i) {
        SimPod pod = fleet.pod(i);
        if (api.client().namespaces().withName(ns).get() == null) {
            api.namespace(ns);
            api.create(Kinds.INFERENCE_POOL_V1, ns, "sim", Map.of("selector", Map.of("matchLabels", Map.of("app", "sim")),
                    "targetPorts", List.of(Map.of("number", port))));
        }
        api.pod(ns, "sim-" + i, Map.of("app", "sim"), Map.of("inferrouter.io/kv-events-port",
                portOf(pod.kvEventsEndpoint()), "inferrouter.io/kv-events-replay-port", portOf(pod.kvReplayEndpoint())),
                pod.address(), port, true);
        return ns + "/sim-" + i + ":" + port;
    }

    private StateIngestor ingestor(String ns, String identity, PrometheusMeterRegistry registry, String snapshots) {
        Map<String, String> c = new HashMap<>(Map.of("kafka.bootstrap-servers", bootstrap, "namespaces", ns,
                "http.port", "0", "identity", identity, "scrape.timeout", "200ms", "scrape.max-backoff", "400ms",
                "kv-events.snapshot-interval", snapshots, "kv-events.replay-timeout", "500ms"));
        return StateIngestor.start(IngestorConfig.of(c), registry, api.client());
    }

    private void awaitKind(String ep, Kind kind, int atLeastIndex) {
        await().atMost(Duration.ofSeconds(20)).until(() -> kinds(ep).stream().skip(atLeastIndex).anyMatch(k -> k == kind));
    }

    /** The first snapshot of {@code ep} whose blocks are exactly {@code expected}. */
    private KvEventsRecord awaitSnapshot(String ep, Set<String> expected) {
        await().atMost(Duration.ofSeconds(20)).until(() -> kv.values(ep).stream()
                .anyMatch(r -> r.kind() == Kind.SNAPSHOT && new HashSet<>(r.blocks()).equals(expected)));
        KvEventsRecord s = kv.values(ep).stream()
                .filter(r -> r.kind() == Kind.SNAPSHOT && new HashSet<>(r.blocks()).equals(expected)).findFirst()
                .orElseThrow();
        assertThat(s.blocks()).as("a snapshot lists each block once").doesNotHaveDuplicates();
        return s;
    }

    /** A snapshot (periodic or after a sync) taken after the prompt's batch, holding exactly {@code expected}. */
    private void awaitSnapshotAfterEvents(String ep, Set<String> expected) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Set<String> folded = new HashSet<>();
            for (KvEventsRecord r : kv.values(ep)) {
                switch (r.kind()) {
                    case SNAPSHOT -> {
                        folded.clear();
                        folded.addAll(r.blocks());
                    }
                    case RESET -> folded.clear();
                    case BATCH -> r.events().forEach(e -> {
                        switch (e.type()) {
                            case STORED -> folded.addAll(e.hashes());
                            case REMOVED -> e.hashes().forEach(folded::remove);
                            case CLEARED -> folded.clear();
                        }
                    });
                }
            }
            return folded.equals(expected);
        });
    }

    private List<Kind> kinds(String ep) {
        return kv.values(ep).stream().map(KvEventsRecord::kind).toList();
    }

    /** The hashes of every STORED event of {@code ep}'s batches, one list per event. */
    private List<List<String>> stored(String ep) {
        List<List<String>> out = new ArrayList<>();
        for (KvEventsRecord r : kv.values(ep)) {
            r.events().stream().filter(e -> e.type() == KvBlockEvent.Type.STORED).forEach(e -> out.add(e.hashes()));
        }
        return out;
    }

    private KvEventsRecord lastBatch(String ep) {
        return kv.values(ep).stream().filter(r -> r.kind() == Kind.BATCH).reduce((x, y) -> y).orElseThrow();
    }

    /** The prompt's full blocks as a router hashes them, in the 64-bit hex form of the topic. */
    private static List<String> hex(String prompt) {
        BlockHash[] hashes = HASHER.promptHashes(Tokenizer.encode(prompt), 16, null, null);
        return Arrays.stream(hashes).map(h -> KvBlockEvent.hex(h.low64())).toList();
    }

    /**
     * A prompt no other shares of exactly {@code blocks} full blocks: with two tokens generated no further
     * block fills, so the pod caches exactly these.
     */
    private String prompt(int blocks) {
        int id = unique.incrementAndGet();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < blocks * 8; i++) {
            // eight characters: two tokens of the simulated tokenizer
            b.append(i == 0 ? "" : " ").append(String.format("q%03dw%03d", id, i));
        }
        String text = b.toString();
        assertThat(Tokenizer.encode(text).length).as("a prompt of whole blocks").isEqualTo(blocks * 16);
        return text;
    }

    private void complete(SimPod pod, String prompt) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(pod.url() + "/v1/completions"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimConfig.DEFAULT_MODEL
                        + "\",\"max_tokens\":2,\"prompt\":\"" + prompt + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static String portOf(String url) {
        return url.substring(url.lastIndexOf(':') + 1);
    }
}
