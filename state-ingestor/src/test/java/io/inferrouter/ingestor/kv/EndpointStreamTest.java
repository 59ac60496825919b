package io.inferrouter.ingestor.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferrouter.ingestor.metrics.MicrometerIngestorMetrics;
import io.inferrouter.ingestor.state.KvEventsTarget;
import io.inferrouter.schemas.kv.ExternalBlockHash;
import io.inferrouter.schemas.kv.KvBlockEvent;
import io.inferrouter.schemas.kv.KvEvent;
import io.inferrouter.schemas.kv.KvEventBatch;
import io.inferrouter.schemas.kv.KvEventCodec;
import io.inferrouter.schemas.kv.KvEventEncoding;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.resources.ResourceKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The sequence rules of one endpoint's KV events, with the sockets replaced by a recording sink. */
class EndpointStreamTest {

    private static final KvEventsTarget TARGET = new KvEventsTarget(EndpointId.parse("llm/p-0:8000"),
            ResourceKey.parse("llm/pool"), "10.0.0.1", 5557, 5558);
    private static final KvEventsTarget NO_REPLAY = new KvEventsTarget(EndpointId.parse("llm/p-0:8000"),
            ResourceKey.parse("llm/pool"), "10.0.0.1", 5557, 0);
    private static final Duration SNAPSHOTS = Duration.ofMinutes(5);

    private final Sink sink = new Sink();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private long now = 1_000;

    /** Records what the stream asks for. */
    private static final class Sink implements EndpointStream.Sink {
        final List<KvEventsRecord> records = new ArrayList<>();
        final List<Long> replays = new ArrayList<>();
        final List<String> malformed = new ArrayList<>();
        boolean refuse;

        @Override
        public boolean publish(KvEventsRecord record, long receivedNanos) {
            if (refuse) {
                return false;
            }
            records.add(record);
            return true;
        }

        @Override
        public void requestReplay(long fromSeq) {
            replays.add(fromSeq);
        }

        @Override
        public void malformed(KvMessage message, String reason) {
            malformed.add(message.seq() + ": " + reason);
        }
    }

    private EndpointStream stream(KvEventsTarget target) {
        return new EndpointStream(target, "state-ingestor:test", SNAPSHOTS, sink, new MicrometerIngestorMetrics(registry));
    }

    /** A stream synced from a replay of the batches 0..last, each storing block 100 + seq. */
    private EndpointStream synced(long last) {
        EndpointStream s = stream(TARGET);
        s.start();
        s.replayAnswered(seqs(0, last).stream().map(q -> msg(q, stored(100 + q))).toList(), now);
        sink.records.clear();
        sink.replays.clear();
        return s;
    }

    private static List<Long> seqs(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long q = from; q <= to; q++) {
            out.add(q);
        }
        return out;
    }

    @Test
    void aNewSubscriptionSyncsFromTheReplayIntoOneSnapshotThenPublishesEachBatch() {
        EndpointStream s = stream(TARGET);
        s.start();
        assertThat(sink.replays).containsExactly(0L);

        s.replayAnswered(List.of(msg(0, stored(1, 2)), msg(1, stored(3))), now);
        s.message(msg(2, removed(1)), now);

        assertThat(kinds()).containsExactly("SNAPSHOT:1", "BATCH:2");
        assertThat(sink.records.getFirst().blocks()).containsExactly(hex(1), hex(2), hex(3));
        assertThat(sink.records.get(1).events()).extracting(KvBlockEvent::type).containsExactly(KvBlockEvent.Type.REMOVED);
        assertThat(s.blocks()).containsExactly(2, 3);
    }

    @Test
    void batchesArrivingDuringTheSyncFollowTheSnapshotOnceEach() {
        EndpointStream s = stream(TARGET);
        s.start();
        s.message(msg(1, stored(3)), now);
        s.message(msg(2, stored(4)), now);

        s.replayAnswered(List.of(msg(0, stored(1)), msg(1, stored(3))), now);

        assertThat(kinds()).containsExactly("SNAPSHOT:1", "BATCH:2");
        assertThat(s.blocks()).containsExactly(1, 3, 4);
    }

    @Test
    void aGapIsFilledFromTheReplayInOrderWithoutDuplicates() {
        EndpointStream s = synced(1);
        s.message(msg(4, stored(14)), now);
        assertThat(sink.replays).containsExactly(2L);
        s.message(msg(5, stored(15)), now);

        s.replayAnswered(List.of(msg(2, stored(12)), msg(3, stored(13)), msg(4, stored(14))), now);
        s.message(msg(4, stored(14)), now);

        assertThat(kinds()).containsExactly("BATCH:2", "BATCH:3", "BATCH:4", "BATCH:5");
        assertThat(s.blocks()).containsExactly(12, 13, 14, 15, 100, 101);
        assertThat(counter("ingestor_kv_gaps")).isEqualTo(1);
        assertThat(registry.get("ingestor_kv_replays").tag("outcome", "complete").counter().count()).isEqualTo(2);
    }

    @Test
    void aReplayThatNoLongerHasTheMissingBatchesIsAResetAndTheStreamGoesOn() {
        EndpointStream s = synced(1);
        s.message(msg(4, stored(14)), now);

        s.replayAnswered(List.of(msg(3, stored(13)), msg(4, stored(14))), now);
        s.message(msg(5, stored(15)), now);

        assertThat(kinds()).containsExactly("RESET:-1", "BATCH:3", "BATCH:4", "BATCH:5");
        assertThat(sink.records.getFirst().reason()).startsWith("gap not recoverable")
                .contains("from 2").contains("starts at 3");
        assertThat(s.blocks()).as("what came before the gap is forgotten").containsExactly(13, 14, 15);
        assertThat(registry.get("ingestor_kv_resets").tag("reason", "gap").counter().count()).isEqualTo(1);
    }

    @Test
    void aReplaySocketThatNeverAnswersIsAResetAndTheStreamGoesOnFromTheHeldBatch() {
        EndpointStream s = synced(1);
        s.message(msg(4, stored(14)), now);

        s.replayUnanswered(3, now);
        s.message(msg(5, stored(15)), now);

        assertThat(kinds()).containsExactly("RESET:-1", "BATCH:4", "BATCH:5");
        assertThat(sink.records.getFirst().reason()).contains("did not answer 3 requests");
        assertThat(s.blocks()).containsExactly(14, 15);
    }

    @Test
    void theSequenceGoingBackIsARestartAResetThenASyncFromTheNewProcess() {
        EndpointStream s = synced(5);

        s.message(msg(0, new KvEvent.AllBlocksCleared()), now);
        s.message(msg(1, stored(7)), now);

        assertThat(kinds()).containsExactly("RESET:-1", "SNAPSHOT:0", "BATCH:1");
        assertThat(sink.records.getFirst().reason()).startsWith("pod restarted").contains("went back to 0 after 5");
        assertThat(sink.records.get(1).blocks()).as("AllBlocksCleared applied: nothing held").isEmpty();
        assertThat(s.blocks()).containsExactly(7);
        assertThat(registry.get("ingestor_kv_resets").tag("reason", "restart").counter().count()).isEqualTo(1);
    }

    @Test
    void aRestartNoticedAfterItsFirstBatchesSyncsFromTheReplayOfTheNewProcess() {
        EndpointStream s = synced(5);

        s.message(msg(2, stored(22)), now);
        assertThat(sink.replays).containsExactly(0L);
        s.replayAnswered(List.of(msg(0, new KvEvent.AllBlocksCleared()), msg(1, stored(21)), msg(2, stored(22))), now);

        assertThat(kinds()).containsExactly("RESET:-1", "SNAPSHOT:2");
        assertThat(sink.records.get(1).blocks()).containsExactly(hex(21), hex(22));
    }

    @Test
    void aReconnectToARestartedPodIsAResetEvenWhenItsSequenceLooksContinuous() {
        EndpointStream s = synced(0);
        s.reconnected();
        assertThat(sink.replays).as("the last batches are asked for again, to compare").containsExactly(0L);
        // the new process's batch 1 arrives before the check is answered: it is held
        s.message(msg(1, stored(31)), now);

        KvMessage newZero = msgAt(0, 2_000_000_000.0, new KvEvent.AllBlocksCleared());
        s.replayAnswered(List.of(newZero, msg(1, stored(31))), now);

        assertThat(kinds()).containsExactly("RESET:-1", "SNAPSHOT:1");
        assertThat(sink.records.getFirst().reason()).contains("batch 0 is not the one received before");
        assertThat(sink.records.get(1).blocks()).containsExactly(hex(31));
    }

    @Test
    void aReconnectToTheSameProcessGoesOnWithWhatWasMissed() {
        EndpointStream s = synced(3);
        s.reconnected();
        assertThat(sink.replays).containsExactly(0L);

        List<KvMessage> again = new ArrayList<>(seqs(0, 3).stream().map(q -> msg(q, stored(100 + q))).toList());
        again.add(msg(4, stored(104)));
        s.replayAnswered(again, now);

        assertThat(kinds()).containsExactly("BATCH:4");
    }

    @Test
    void aBatchThatDoesNotDecodeIsReportedAndCountsSoTheSequenceGoesOn() {
        EndpointStream s = synced(1);

        s.message(KvMessage.of(2, "not msgpack".getBytes(StandardCharsets.UTF_8), 1, 1, false), now);
        s.message(msg(3, stored(13)), now);

        assertThat(sink.malformed).singleElement().asString().startsWith("2: malformed KV event batch");
        assertThat(sink.replays).as("no gap: the bad batch was received").isEmpty();
        assertThat(kinds()).containsExactly("BATCH:3");
    }

    @Test
    void withoutAReplaySocketTheFirstBatchSyncsAndAGapIsAReset() {
        EndpointStream s = stream(NO_REPLAY);
        s.start();
        assertThat(sink.replays).isEmpty();

        s.message(msg(7, stored(1)), now);
        s.message(msg(8, stored(2)), now);
        s.message(msg(11, stored(3)), now);

        assertThat(kinds()).containsExactly("SNAPSHOT:7", "BATCH:8", "RESET:-1", "BATCH:11");
        assertThat(sink.records.get(2).reason()).contains("no replay socket");
        assertThat(s.blocks()).containsExactly(3);
    }

    @Test
    void withoutAReplaySocketAReconnectCannotBeCheckedAndCountsAsARestart() {
        EndpointStream s = stream(NO_REPLAY);
        s.message(msg(0, stored(1)), now);
        s.reconnected();

        s.message(msg(1, stored(2)), now);

        assertThat(kinds()).containsExactly("SNAPSHOT:0", "RESET:-1", "SNAPSHOT:1");
        assertThat(s.blocks()).containsExactly(2);
    }

    @Test
    void snapshotsComeEveryIntervalAndSoonAfterARecordWasLost() {
        EndpointStream s = synced(0);
        s.tick(now + SNAPSHOTS.toNanos() - 1);
        assertThat(kinds()).isEmpty();
        s.tick(now + SNAPSHOTS.toNanos());
        assertThat(kinds()).containsExactly("SNAPSHOT:0");

        sink.refuse = true;
        s.message(msg(1, stored(5)), now);
        sink.refuse = false;
        s.tick(now + SNAPSHOTS.toNanos() + 1);
        assertThat(kinds()).containsExactly("SNAPSHOT:0", "SNAPSHOT:1");
        assertThat(sink.records.getLast().blocks()).containsExactly(hex(5), hex(100));

        s.recordLost();
        s.tick(now + SNAPSHOTS.toNanos() + 2);
        assertThat(kinds()).hasSize(3);
    }

    @Test
    void anEndpointThatLeftIsAReset() {
        EndpointStream s = synced(0);
        s.left("not ready");
        assertThat(kinds()).containsExactly("RESET:-1");
        assertThat(sink.records.getFirst().reason()).isEqualTo("endpoint left: not ready");
        assertThat(registry.get("ingestor_kv_resets").tag("reason", "left").counter().count()).isEqualTo(1);
    }

    private List<String> kinds() {
        return sink.records.stream().map(r -> r.kind() + ":" + r.seq()).toList();
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    private static KvMessage msg(long seq, KvEvent... events) {
        return msgAt(seq, 1_790_000_000.0 + seq, events);
    }

    /** The same seq and events at another time is another process's batch: its bytes differ. */
    private static KvMessage msgAt(long seq, double ts, KvEvent... events) {
        byte[] payload = KvEventCodec.encode(new KvEventBatch(ts, Arrays.asList(events), 0), KvEventEncoding.ARRAY);
        return KvMessage.of(seq, payload, 1_790_000_000_000L, 1, false);
    }

    private static KvEvent stored(long... hashes) {
        List<ExternalBlockHash> h = Arrays.stream(hashes).<ExternalBlockHash>mapToObj(ExternalBlockHash.Int64::new)
                .toList();
        return KvEvent.BlockStored.onGpu(h, null, IntStream.range(0, 16 * hashes.length).boxed().toList(), 16, null,
                null);
    }

    private static KvEvent removed(long hash) {
        return KvEvent.BlockRemoved.onGpu(new ExternalBlockHash.Int64(hash));
    }

    private static String hex(long hash) {
        return KvBlockEvent.hex(hash);
    }
}
