package io.inferrouter.ingestor.kv;

import io.inferrouter.ingestor.metrics.IngestorMetrics;
import io.inferrouter.ingestor.state.KvEventsTarget;
import io.inferrouter.schemas.kv.KvEvent;
import io.inferrouter.schemas.kv.KvEventBatch;
import io.inferrouter.schemas.kv.KvEventCodec;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.kv.MalformedKvEventsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint's KV events, put in order and folded into the set of blocks it holds; what to write to
 * {@code kv.events} follows from a few rules. No sockets here: the subscriber's thread feeds it live
 * messages and replay answers and carries out its requests, so the rules are tested without a network.
 *
 * <ul>
 *   <li><b>Sync.</b> Knowing nothing (just subscribed, or the pod restarted), it asks for a replay from
 *       seq 0, folds what comes back (and the live batches that arrived meanwhile) without writing them,
 *       and writes one SNAPSHOT. Without a replay socket the first live batch ends the sync.</li>
 *   <li><b>Live.</b> Each next batch ({@code seq = last + 1}) is folded and written as a BATCH.</li>
 *   <li><b>Gap.</b> A batch beyond the next one: the live batches are held, a replay from {@code last + 1}
 *       is asked for, and its batches, then the held ones, are applied in order, duplicates skipped. If the
 *       replay starts later than asked, or never answers, the gap is not recoverable: a RESET, and the
 *       stream goes on from the batches it has.</li>
 *   <li><b>Restart.</b> The sequence going back (a new process counts from 0), or, after the SUB socket
 *       reconnected, a replay whose batches differ from those received before (or that lacks the last
 *       one): a RESET, then a sync. Without a replay socket a reconnect cannot be checked and counts as a
 *       restart.</li>
 *   <li><b>Snapshots.</b> Every {@code snapshotInterval}, and soon after a record could not be handed to
 *       Kafka, a SNAPSHOT of every block held.</li>
 *   <li>A batch whose payload does not decode is reported (dead letters) and counts as received: its
 *       events are lost, the sequence goes on.</li>
 * </ul>
 */
final class EndpointStream {

    /** What the stream asks of its subscriber; called on the subscriber's thread, never blocking. */
    interface Sink {
        /** Hands a record to Kafka; false when it could not be taken (then a snapshot repairs it). */
        boolean publish(KvEventsRecord record, long receivedNanos);

        /** Asks the replay socket for every batch from {@code fromSeq}; the answer comes back through the stream. */
        void requestReplay(long fromSeq);

        /** A payload that did not decode, for dead letters. */
        void malformed(KvMessage message, String reason);
    }

    enum Purpose { SYNC, GAP, VERIFY }

    private static final Logger LOG = LoggerFactory.getLogger(EndpointStream.class);
    /** Batches asked for again after a reconnect, to compare with those received before. */
    static final int VERIFY_DEPTH = 8;
    /**
     * Digests kept of the batches applied last: a batch seen again (live after a replay gave it) is a
     * duplicate when its bytes are the same, a restarted pod's when they differ.
     */
    static final int RECENT = 1024;
    /**
     * More blocks than a GPU cache holds (an 8B model on one H100 has about 28,000; 400,000 blocks of 16
     * tokens are 6.4M tokens): a pod reporting more is broken, or offloads far more than it serves from,
     * and its set is dropped. Its snapshot (about 19 bytes of JSON per block) fits kv.events' message size.
     */
    static final int MAX_BLOCKS = 400_000;

    private final KvEventsTarget target;
    private final String source;
    private final Sink sink;
    private final IngestorMetrics metrics;
    private final long snapshotIntervalNanos;
    private final BlockSet blocks = new BlockSet();
    private final long[] recentSeq = new long[RECENT];
    private final long[] recentDigest = new long[RECENT];
    private final List<KvMessage> held = new ArrayList<>();
    /** The last batch applied, -1 for none. */
    private long lastSeq = -1;
    /** False after a loss that is given up on: the next batch, whatever its seq, continues the stream. */
    private boolean anchored = true;
    /** Nothing written since the (re)start: batches are folded only, and the sync ends in a SNAPSHOT. */
    private boolean syncing = true;
    private Purpose replay;
    private long replayFrom;
    private boolean reconnected;
    private boolean verifyAfterReplay;
    private boolean snapshotOwed;
    private long nextSnapshotNanos;

    EndpointStream(KvEventsTarget target, String source, Duration snapshotInterval, Sink sink,
                   IngestorMetrics metrics) {
        this.target = target;
        this.source = source;
        this.sink = sink;
        this.metrics = metrics;
        this.snapshotIntervalNanos = snapshotInterval.toNanos();
        Arrays.fill(recentSeq, -1);
    }

    /** Just subscribed: sync from the replay socket when there is one, else from the first batch. */
    void start() {
        if (replays()) {
            requestReplay(0, Purpose.SYNC);
        }
    }

    /** A batch from the PUB socket. */
    void message(KvMessage m, long nowNanos) {
        if (replay != null) {
            held.add(m);
            return;
        }
        if (m.seq() <= lastSeq && seen(m)) {
            return; // a replay gave it already
        }
        if (reconnected) {
            reconnected = false;
            if (lastSeq >= 0 && m.seq() > lastSeq) {
                restarted("the SUB socket reconnected and there is no replay socket to tell a restart from a blip");
            }
        }
        if (!anchored) {
            anchored = true;
            lastSeq = m.seq() - 1;
        }
        if (lastSeq >= 0 && m.seq() <= lastSeq) {
            restarted("the sequence went back to " + m.seq() + " after " + lastSeq);
        }
        long expected = lastSeq + 1;
        if (m.seq() > expected) {
            if (!syncing) {
                metrics.kvGap();
            }
            if (replays()) {
                held.add(m);
                requestReplay(expected, syncing ? Purpose.SYNC : Purpose.GAP);
                return;
            }
            notRecoverable("batches " + expected + " to " + (m.seq() - 1) + " were missed and the pod has no replay "
                    + "socket");
            anchored = true;
            lastSeq = m.seq() - 1;
        }
        apply(m);
        if (syncing) {
            finishSync(nowNanos);
        }
    }

    /** The replay socket answered (up to its end marker) the request this stream made. */
    void replayAnswered(List<KvMessage> answers, long nowNanos) {
        Purpose purpose = replay;
        long from = replayFrom;
        replay = null;
        List<KvMessage> sorted = new ArrayList<>(answers);
        sorted.sort(Comparator.comparingLong(KvMessage::seq));
        if (purpose == Purpose.VERIFY) {
            String restart = restartShownBy(sorted);
            if (restart != null) {
                metrics.kvReplay("restart");
                restarted("reconnected to a restarted pod: " + restart);
                if (sorted.isEmpty() || sorted.getFirst().seq() != 0) {
                    requestReplay(0, Purpose.SYNC);
                    return;
                }
                from = 0; // the answer is the new process's from its first batch: it is the sync
            } else {
                from = lastSeq + 1;
            }
        }
        merge(sorted, from, nowNanos);
        drainHeld(nowNanos);
    }

    /** The replay socket did not answer any of the attempts. */
    void replayUnanswered(int attempts, long nowNanos) {
        Purpose purpose = replay;
        long from = replayFrom;
        replay = null;
        metrics.kvReplay("unanswered");
        if (purpose == Purpose.VERIFY) {
            notRecoverable("the SUB socket reconnected and the replay socket did not answer " + attempts
                    + " requests, so a restart cannot be ruled out");
        } else {
            notRecoverable("the replay socket did not answer " + attempts + " requests for the batches from " + from);
        }
        drainHeld(nowNanos);
    }

    /** The SUB socket connected again: the pod may be a new process. */
    void reconnected() {
        if (!replays()) {
            reconnected = true;
        } else if (replay != null) {
            verifyAfterReplay = true;
        } else if (lastSeq >= 0) {
            requestReplay(Math.max(0, lastSeq - VERIFY_DEPTH + 1), Purpose.VERIFY);
        }
    }

    /** Periodic work: the snapshot when it is due, or owed. */
    void tick(long nowNanos) {
        if (!syncing && replay == null && (snapshotOwed || nowNanos - nextSnapshotNanos >= 0)) {
            snapshot(nowNanos);
        }
    }

    /** A record handed to Kafka was lost: the next tick writes a snapshot. */
    void recordLost() {
        snapshotOwed = true;
    }

    /** The endpoint is no longer followed (not ready, deleted, moved): what it held is unknown from now on. */
    void left(String reason) {
        reset("endpoint left: " + reason, "left");
    }

    boolean replaying() {
        return replay != null;
    }

    long lastSeq() {
        return lastSeq;
    }

    /** The blocks held now, sorted. */
    long[] blocks() {
        return blocks.toSortedArray();
    }

    private void merge(List<KvMessage> answers, long from, long nowNanos) {
        long first = !answers.isEmpty() ? answers.getFirst().seq() : held.isEmpty() ? from : held.getFirst().seq();
        if (first > from) {
            metrics.kvReplay("incomplete");
            notRecoverable("wanted the batches from " + from + ", the pod's replay buffer starts at " + first);
        } else {
            metrics.kvReplay("complete");
        }
        for (KvMessage a : answers) {
            if (!anchored) {
                anchored = true;
                lastSeq = a.seq() - 1;
            }
            if (a.seq() <= lastSeq) {
                continue;
            }
            if (a.seq() > lastSeq + 1) {
                notRecoverable("the replay skipped the batches " + (lastSeq + 1) + " to " + (a.seq() - 1));
                anchored = true;
                lastSeq = a.seq() - 1;
            }
            apply(a);
        }
        if (syncing && anchored) {
            finishSync(nowNanos);
        }
    }

    /** Live batches held during a replay go through the live rules, after a verification that was owed. */
    private void drainHeld(long nowNanos) {
        if (verifyAfterReplay && replay == null && lastSeq >= 0) {
            verifyAfterReplay = false;
            requestReplay(Math.max(0, lastSeq - VERIFY_DEPTH + 1), Purpose.VERIFY);
            return;
        }
        verifyAfterReplay = false;
        List<KvMessage> pending = new ArrayList<>(held);
        held.clear();
        for (KvMessage m : pending) {
            message(m, nowNanos);
        }
    }

    /** Why a verification answer shows a new process, or null when it continues what was received. */
    private String restartShownBy(List<KvMessage> answers) {
        if (answers.isEmpty() || answers.getLast().seq() < lastSeq) {
            return "its latest batch is " + (answers.isEmpty() ? "none" : answers.getLast().seq()) + ", the last "
                    + "one received was " + lastSeq;
        }
        for (KvMessage a : answers) {
            int i = (int) (a.seq() % RECENT);
            if (a.seq() <= lastSeq && recentSeq[i] == a.seq() && recentDigest[i] != a.digest()) {
                return "its batch " + a.seq() + " is not the one received before";
            }
        }
        return null;
    }

    /** Whether this very batch (same seq, same bytes) was applied lately. */
    private boolean seen(KvMessage m) {
        int i = (int) (m.seq() % RECENT);
        return recentSeq[i] == m.seq() && recentDigest[i] == m.digest();
    }

    private void apply(KvMessage m) {
        lastSeq = m.seq();
        int i = (int) (m.seq() % RECENT);
        recentSeq[i] = m.seq();
        recentDigest[i] = m.digest();
        KvEventBatch batch;
        try {
            batch = KvEventCodec.decode(m.payload());
        } catch (MalformedKvEventsException e) {
            sink.malformed(m, e.getMessage());
            return;
        }
        for (KvEvent e : batch.events()) {
            switch (e) {
                case KvEvent.BlockStored s -> s.blockHashes().forEach(h -> blocks.add(h.low64()));
                case KvEvent.BlockRemoved r -> r.blockHashes().forEach(h -> blocks.remove(h.low64()));
                case KvEvent.AllBlocksCleared c -> blocks.clear();
            }
        }
        metrics.kvBatch(batch.events().size());
        if (blocks.size() > MAX_BLOCKS) {
            reset("the pod reported more than " + MAX_BLOCKS + " blocks held; they are dropped", "overflow");
            lastSeq = m.seq();
            return;
        }
        if (!syncing && !sink.publish(KvEventsRecord.batch(target.endpoint(), target.pool(), m.seq(), batch,
                m.receivedAtMs(), source), m.receivedNanos())) {
            snapshotOwed = true;
        }
    }

    private void finishSync(long nowNanos) {
        syncing = false;
        LOG.debug("kv events synced endpoint={} seq={} blocks={}", target.endpoint(), lastSeq, blocks.size());
        snapshot(nowNanos);
    }

    private void snapshot(long nowNanos) {
        nextSnapshotNanos = nowNanos + snapshotIntervalNanos;
        snapshotOwed = !sink.publish(KvEventsRecord.snapshot(target.endpoint(), target.pool(), lastSeq,
                blocks.toSortedArray(), System.currentTimeMillis(), source), 0);
        if (!snapshotOwed) {
            metrics.kvSnapshot();
        }
    }

    private void restarted(String reason) {
        LOG.info("kv events: the pod restarted endpoint={} reason=\"{}\"", target.endpoint(), reason);
        if (!syncing) {
            reset("pod restarted: " + reason, "restart");
        }
        forget();
        syncing = true;
    }

    private void notRecoverable(String reason) {
        LOG.warn("kv events gap not recoverable endpoint={} reason=\"{}\"", target.endpoint(), reason);
        if (!syncing) {
            reset("gap not recoverable: " + reason, "gap");
        }
        forget();
        anchored = false;
    }

    private void reset(String reason, String kind) {
        forget();
        metrics.kvReset(kind);
        if (!sink.publish(KvEventsRecord.reset(target.endpoint(), target.pool(), reason, System.currentTimeMillis(),
                source), 0)) {
            snapshotOwed = true;
        }
    }

    private void forget() {
        blocks.clear();
        Arrays.fill(recentSeq, -1);
        lastSeq = -1;
        anchored = true;
    }

    private void requestReplay(long from, Purpose purpose) {
        replay = purpose;
        replayFrom = from;
        sink.requestReplay(from);
    }

    private boolean replays() {
        return target.replayPort() != 0;
    }
}
