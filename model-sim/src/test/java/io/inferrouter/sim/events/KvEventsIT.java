package io.inferrouter.sim.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferrouter.schemas.kv.BlockHash;
import io.inferrouter.schemas.kv.BlockHasher;
import io.inferrouter.schemas.kv.ExternalBlockHash;
import io.inferrouter.schemas.kv.KvEvent;
import io.inferrouter.schemas.kv.KvEventBatch;
import io.inferrouter.schemas.kv.KvEventCodec;
import io.inferrouter.schemas.kv.KvEventEncoding;
import io.inferrouter.schemas.kv.KvSequence;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.engine.Tokenizer;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import io.inferrouter.sim.fleet.SimPod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Simulated pods publishing vLLM's KV events over real ZeroMQ sockets on their loopback addresses:
 * what a subscriber sees live, what a replay returns, that the hashes are the ones a router computes,
 * a restart, and an independent Python subscriber decoding the payloads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KvEventsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "kv@sim";
    private static final byte[] END_SEQ = {-1, -1, -1, -1, -1, -1, -1, -1};
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /**
     * JeroMQ's client side sometimes stalls in the ZMTP handshake after the TCP connect (about 1.5% of
     * connections on loopback); ZeroMQ's default handshake limit of 30 s would leave the socket deaf past
     * these tests' deadlines, this one makes it connect again. state-ingestor's subscriber does the same.
     */
    private static final int HANDSHAKE_TIMEOUT_MS = 1_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger unique = new AtomicInteger();
    private final ZMQ.Context zmq = ZMQ.context(1);
    private SimFleet fleet;

    /** The replayed batches, in order. */
    private record Replayed(long seq, byte[] topic, byte[] payload) {
        KvEventBatch batch() {
            return KvEventCodec.decode(payload);
        }
    }

    /** The main fleet publishes in the default (array) form, whose replay replies carry no topic frame. */
    private static final boolean MAIN_TOPIC_FRAME = false;

    @BeforeAll
    void start() {
        fleet = SimFleet.start(new FleetConfig(2, "127.0.1.40", 0, config(), Map.of(),
                KvEventsConfig.onFreePorts().withTopic(TOPIC)));
        assertThat(fleet.pods().getFirst().kvEvents().encoding() == KvEventEncoding.MAP)
                .isEqualTo(MAIN_TOPIC_FRAME);
    }

    @AfterAll
    void stop() {
        fleet.close();
        zmq.close();
    }

    private static SimConfig config() {
        return SimConfig.defaults().withTimeScale(0.02).withCache(48).withAdapters(List.of("sql-lora"), 1);
    }

    @Test
    void liveBatchesArriveOnThePubSocketAsTopicSequenceAndPayload() throws Exception {
        SimPod pod = fleet.pod(0);
        try (ZMQ.Socket sub = zmq.socket(SocketType.SUB)) {
            sub.setLinger(0);
            sub.setHandshakeIvl(HANDSHAKE_TIMEOUT_MS);
            sub.setReceiveTimeOut(200);
            sub.connect(pod.kvEventsEndpoint());
            sub.subscribe(TOPIC.getBytes());
            // A PUB socket drops what it sends before the subscription reaches it: send work until a batch
            // arrives. The loop stays on this thread, as a ZMQ socket must (Awaitility polls on another).
            List<byte[]> frames = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (frames.isEmpty()) {
                assertThat(System.nanoTime()).as("a batch on the PUB socket within 20 s").isLessThan(deadline);
                complete(pod, prompt(20), null);
                byte[] first = sub.recv();
                if (first != null) {
                    frames.add(first);
                    while (sub.hasReceiveMore()) {
                        frames.add(sub.recv());
                    }
                }
            }
            assertThat(frames).hasSize(3);
            assertThat(new String(frames.get(0))).isEqualTo(TOPIC);
            assertThat(frames.get(1)).hasSize(8);
            KvEventBatch batch = KvEventCodec.decode(frames.get(2));
            assertThat(batch.dataParallelRank()).isZero();
            assertThat(batch.events()).isNotEmpty();
            long seq = seq(frames.get(1));
            Replayed same = replay(pod, seq, MAIN_TOPIC_FRAME).getFirst();
            assertThat(same.seq()).isEqualTo(seq);
            assertThat(same.payload()).as("the replay resends the very bytes published").isEqualTo(frames.get(2));
        }
    }

    @Test
    void aReplayResendsEveryBufferedBatchFromTheAskedSequenceThenTheEndMarker() throws Exception {
        SimPod pod = fleet.pod(0);
        for (int i = 0; i < 3; i++) {
            complete(pod, prompt(20), null);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pod.kvEventCounters().published() >= 3);
        List<Replayed> all = replay(pod, 0, MAIN_TOPIC_FRAME);
        assertThat(all).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).seq()).isEqualTo(i);
            if (MAIN_TOPIC_FRAME) {
                assertThat(new String(all.get(i).topic())).isEqualTo(TOPIC);
            } else {
                assertThat(all.get(i).topic()).as("array form: no topic frame in replay replies").isNull();
            }
        }
        long from = all.size() - 2;
        List<Replayed> tail = replay(pod, from, MAIN_TOPIC_FRAME);
        assertThat(tail.getFirst().seq()).isEqualTo(from);
        assertThat(tail.get(1).payload()).isEqualTo(all.get((int) from + 1).payload());
        assertThat(replay(pod, 1_000_000, MAIN_TOPIC_FRAME)).as("nothing that far yet: only the end marker").isEmpty();
        assertThat(pod.kvEventCounters().replays()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void storedBlocksCarryTheHashesARouterComputesFromThePrompt() throws Exception {
        SimPod pod = fleet.pod(0);
        String base = prompt(40);
        String lora = prompt(40);
        complete(pod, base, null);
        complete(pod, lora, "sql-lora");
        BlockHasher router = BlockHasher.seeded(SimConfig.DEFAULT_HASH_SEED);
        List<ExternalBlockHash> expectedBase = int64(router.promptHashes(Tokenizer.encode(base), 16, null, null));
        List<ExternalBlockHash> expectedLora = int64(router.promptHashes(Tokenizer.encode(lora), 16, "sql-lora", null));
        // The last step's batch may still be on its way to the socket: replay until it is there.
        List<KvEvent.BlockStored> stored = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stored.stream().noneMatch(s -> s.blockHashes().equals(expectedLora)) && System.nanoTime() < deadline) {
            stored = replay(pod, 0, MAIN_TOPIC_FRAME).stream().flatMap(r -> r.batch().events().stream())
                    .filter(e -> e instanceof KvEvent.BlockStored).map(e -> (KvEvent.BlockStored) e).toList();
        }
        assertThat(stored).anySatisfy(s -> {
            assertThat(s.blockHashes()).isEqualTo(expectedBase);
            assertThat(s.parentBlockHash()).isNull();
            assertThat(s.loraName()).isNull();
        });
        assertThat(stored).anySatisfy(s -> {
            assertThat(s.blockHashes()).isEqualTo(expectedLora);
            assertThat(s.loraName()).isEqualTo("sql-lora");
            assertThat(s.loraId()).isEqualTo(1);
        });
        String metrics = http.send(HttpRequest.newBuilder(URI.create(pod.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("sim_kv_event_batches_published_total{", "sim_kv_event_batches_dropped_total{",
                "sim_kv_event_replays_total{");
    }

    @Test
    void aRestartedPodStartsOverWithAllBlocksClearedAndAnEmptyCache() throws Exception {
        SimPod pod = fleet.pod(1);
        String text = prompt(40);
        complete(pod, text, null);
        assertThat(cachedTokens(complete(pod, text, null))).as("cached before the restart").isPositive();
        pod.kill();
        pod.restart();
        List<Replayed> fresh = replay(pod, 0, MAIN_TOPIC_FRAME);
        assertThat(fresh.getFirst().seq()).isZero();
        assertThat(fresh.getFirst().batch().events()).containsExactly(new KvEvent.AllBlocksCleared());
        assertThat(cachedTokens(complete(pod, text, null))).as("nothing cached after the restart").isZero();
    }

    @Test
    void aPythonSubscriberWrittenAgainstVllmsFormatDecodesBothEncodings() throws Exception {
        Assumptions.assumeTrue(pythonReady(), "skipped: /usr/bin/python3 with Debian's python3-zmq, python3-msgpack "
                + "and python3-cbor2 is needed (.ci/run installs them)");
        subscribeWithPython(KvEventsConfig.onFreePorts().withTopic(TOPIC), "127.0.1.44");
        subscribeWithPython(KvEventsConfig.onFreePorts().withEncoding(KvEventEncoding.MAP, false), "127.0.1.45");
    }

    /** A restart (AllBlocksCleared), evictions (BlockRemoved), base and LoRA stores; then Python replays them. */
    private void subscribeWithPython(KvEventsConfig events, String address) throws Exception {
        try (SimFleet own = SimFleet.start(new FleetConfig(1, address, 0, config(), Map.of(), events))) {
            SimPod pod = own.pod(0);
            pod.kill();
            pod.restart();
            String last = null;
            for (int i = 0; i < 5; i++) {
                last = prompt(120);
                complete(pod, last, i == 2 ? "sql-lora" : null);
            }
            boolean withTopic = events.encoding() == KvEventEncoding.MAP;
            String lastPrompt = last;
            // The last step's batch may still be on its way to the socket: replay until it is there.
            List<Replayed> replayed = List.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && replayed.stream().flatMap(r -> r.batch().events().stream())
                    .noneMatch(e -> e instanceof KvEvent.BlockStored s && s.tokenIds().equals(
                            firstTokens(lastPrompt, s.tokenIds().size())))) {
                replayed = replay(pod, 0, withTopic);
            }
            assertThat(replayed.stream().flatMap(r -> r.batch().events().stream()).map(KvEvent::type).distinct())
                    .containsExactlyInAnyOrder("AllBlocksCleared", "BlockStored", "BlockRemoved");

            Path out = Files.createTempFile("kv-subscriber", ".json");
            Path err = Files.createTempFile("kv-subscriber", ".err");
            Path script = Path.of(getClass().getResource("/kv/kv_events_subscriber.py").toURI());
            Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), pod.kvReplayEndpoint(),
                    events.topic(), events.encoding().name().toLowerCase(), SimConfig.DEFAULT_HASH_SEED)
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean exited = p.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            assertThat(exited).as("the Python subscriber finished").isTrue();
            assertThat(p.exitValue()).as("Python subscriber (%s): %s", events.encoding(), Files.readString(err))
                    .isZero();
            JsonNode python = JSON.readTree(out.toFile());
            assertThat(python.get("checked_hashes").asInt()).as("block hashes recomputed in Python").isPositive();
            assertThat(python.get("batches")).as("Python's decoding equals ours").isEqualTo(summary(replayed));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The batches as kv_events_subscriber.py prints them. */
    private static ArrayNode summary(List<Replayed> replayed) {
        ArrayNode batches = JSON.createArrayNode();
        for (Replayed r : replayed) {
            ObjectNode b = batches.addObject();
            b.put("seq", (int) r.seq());
            ArrayNode events = b.putArray("events");
            for (KvEvent e : r.batch().events()) {
                ObjectNode o = events.addObject();
                o.put("type", e.type());
                ArrayNode hashes = o.putArray("block_hashes");
                switch (e) {
                    case KvEvent.BlockStored s -> {
                        s.blockHashes().forEach(h -> hashes.add(h.toString()));
                        o.put("parent", s.parentBlockHash() == null ? null : s.parentBlockHash().toString());
                        ArrayNode tokens = o.putArray("token_ids");
                        s.tokenIds().forEach(tokens::add);
                        o.put("lora_id", s.loraId());
                        o.put("lora_name", s.loraName());
                        o.put("medium", s.medium());
                        o.put("group_idx", s.group() == null ? null : s.group().index());
                    }
                    case KvEvent.BlockRemoved rm -> {
                        rm.blockHashes().forEach(h -> hashes.add(h.toString()));
                        o.putNull("parent");
                        o.putNull("token_ids");
                        o.putNull("lora_id");
                        o.putNull("lora_name");
                        o.put("medium", rm.medium());
                        o.put("group_idx", rm.groupIndex());
                    }
                    case KvEvent.AllBlocksCleared c -> {
                        o.putNull("parent");
                        o.putNull("token_ids");
                        o.putNull("lora_id");
                        o.putNull("lora_name");
                        o.putNull("medium");
                        o.putNull("group_idx");
                    }
                }
            }
        }
        return batches;
    }

    /**
     * Asks the pod's replay socket for every batch from {@code from}, as a DEALER; stops at the end
     * marker. A request is sent again, from a new socket, when no answer comes within 2 s: a request
     * queued on a connection whose handshake stalled (see {@link #HANDSHAKE_TIMEOUT_MS}) can be lost
     * when ZeroMQ drops that connection.
     */
    private List<Replayed> replay(SimPod pod, long from, boolean withTopic) {
        for (int attempt = 1; ; attempt++) {
            List<Replayed> out = replayOnce(pod, from, withTopic);
            if (out != null) {
                return out;
            }
            assertThat(attempt).as("replay requests to %s answered", pod.kvReplayEndpoint()).isLessThan(5);
        }
    }

    private List<Replayed> replayOnce(SimPod pod, long from, boolean withTopic) {
        try (ZMQ.Socket dealer = zmq.socket(SocketType.DEALER)) {
            dealer.setLinger(0);
            dealer.setHandshakeIvl(HANDSHAKE_TIMEOUT_MS);
            dealer.setReceiveTimeOut(2_000);
            dealer.connect(pod.kvReplayEndpoint());
            dealer.sendMore(new byte[0]);
            dealer.send(seqBytes(from), 0);
            List<Replayed> out = new ArrayList<>();
            while (true) {
                List<byte[]> frames = new ArrayList<>();
                byte[] first = dealer.recv();
                if (first == null) {
                    assertThat(out).as("a replay that stopped halfway").isEmpty();
                    return null;
                }
                frames.add(first);
                while (dealer.hasReceiveMore()) {
                    frames.add(dealer.recv());
                }
                assertThat(frames.getFirst()).as("the empty delimiter").isEmpty();
                assertThat(frames).hasSize(withTopic ? 4 : 3);
                byte[] topic = withTopic ? frames.get(1) : null;
                byte[] seq = frames.get(frames.size() - 2);
                byte[] payload = frames.getLast();
                if (Arrays.equals(seq, END_SEQ)) {
                    assertThat(payload).isEmpty();
                    if (withTopic) {
                        assertThat(topic).isEmpty();
                    }
                    return out;
                }
                out.add(new Replayed(seq(seq), topic, payload));
            }
        }
    }

    private HttpResponse<String> complete(SimPod pod, String prompt, String lora) throws IOException,
            InterruptedException {
        String model = lora == null ? SimConfig.DEFAULT_MODEL : lora;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(pod.url() + "/v1/completions"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":2,\"prompt\":\""
                        + prompt + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    private static int cachedTokens(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body()).at("/usage/prompt_tokens_details/cached_tokens").asInt();
    }

    /** A prompt of {@code words} words no other prompt shares (two tokens each). */
    private String prompt(int words) {
        int id = unique.incrementAndGet();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            b.append('p').append(id).append('_').append(i).append(' ');
        }
        return b.toString().trim();
    }

    private static List<Integer> firstTokens(String prompt, int n) {
        int[] t = Tokenizer.encode(prompt);
        return Arrays.stream(t).limit(n).boxed().toList();
    }

    private static List<ExternalBlockHash> int64(BlockHash[] hashes) {
        return Arrays.stream(hashes).map(h -> ExternalBlockHash.of(h, true)).toList();
    }

    private static boolean pythonReady() {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import zmq, msgpack, cbor2")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long seq(byte[] b) {
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xFF);
        }
        return v;
    }

    private static byte[] seqBytes(long seq) {
        return KvSequence.bytes(seq);
    }
}
