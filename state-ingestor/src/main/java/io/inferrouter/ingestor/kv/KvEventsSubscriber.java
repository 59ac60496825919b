package io.inferrouter.ingestor.kv;

import io.inferrouter.ingestor.metrics.IngestorMetrics;
import io.inferrouter.ingestor.publish.Publisher;
import io.inferrouter.ingestor.state.KvEventsTarget;
import io.inferrouter.schemas.kv.KvEventsRecord;
import io.inferrouter.schemas.kv.KvSequence;
import io.inferrouter.schemas.kv.MalformedKvEventsException;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.topics.DeadLetterHeaders;
import io.inferrouter.schemas.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZPoller;

/**
 * Follows the KV events of every endpoint this replica owns: a SUB socket on each endpoint's vLLM PUB
 * socket, replay requests to its ROUTER socket, and an {@link EndpointStream} per endpoint that decides
 * what goes to {@code kv.events} (keyed by endpoint, so one endpoint's records stay in order).
 *
 * <p>The endpoints are the scraper's: the same {@code ClusterState} definition, re-read every
 * {@link #TARGET_REFRESH}, and the same {@code active} switch (the leader, or every replica without
 * election; each replica only sees its own namespaces). An endpoint that goes away is unsubscribed with a
 * RESET.
 *
 * <p>One platform thread owns every socket and polls them all ({@link ZPoller}): ZeroMQ sockets are not
 * thread-safe, and a JeroMQ socket waits in {@code Selector.select}, which holds a virtual thread's
 * carrier, so a thread per endpoint would cost a platform thread per endpoint anyway. One thread also
 * keeps each endpoint's sequence handling single-threaded. Records go to Kafka through an {@link Outbox},
 * so this thread never waits on the broker. A message that cannot be read goes to {@code dead-letters}
 * with the reason, counted; nothing stops the loop.
 */
public final class KvEventsSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KvEventsSubscriber.class);
    static final Duration TARGET_REFRESH = Duration.ofMillis(100);
    private static final long POLL_MS = 20;
    /** While a replay request waits for its connection's handshake, the loop looks more often. */
    private static final long HANDSHAKE_POLL_MS = 1;
    /** Messages read from one socket before the others get a turn. */
    private static final int MAX_PER_TURN = 1_000;
    /** Frames kept of a message (vLLM sends 3, a replay answer 4); more is malformed and not kept. */
    private static final int MAX_FRAMES = 8;
    /** A vLLM batch is far smaller; a bigger message is refused by ZeroMQ (it drops the connection). */
    private static final long MAX_MESSAGE_BYTES = 64L << 20;
    private static final int RECEIVE_HWM = 10_000;
    /**
     * How long a connection may take from TCP connect to the end of the ZMTP handshake before ZeroMQ drops it
     * and connects again. JeroMQ 0.6.0's client side sometimes never finishes the handshake after the TCP
     * connect (measured on loopback: 8 of 500 connections to a JeroMQ publisher, 39 of 2,500 to a libzmq one);
     * with ZeroMQ's default of 30 s such a subscription stays deaf that long. With this limit, none of 2,500
     * stayed without messages past 4.5 s.
     */
    public static final int HANDSHAKE_TIMEOUT_MS = 2_000;
    private static final int OUTBOX_CAPACITY = 100_000;
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final byte[] EMPTY = new byte[0];

    private final Supplier<List<KvEventsTarget>> targets;
    private final BooleanSupplier active;
    private final KvSubscriberConfig config;
    private final Publisher publisher;
    private final String source;
    private final IngestorMetrics metrics;
    private final Outbox outbox;
    private final ZContext zmq = new ZContext(1);
    /** Owned by the loop thread. */
    private final Map<EndpointId, Subscription> subscriptions = new HashMap<>();
    /** What {@link #endpoints()} and the gauge read from other threads. */
    private final Set<EndpointId> subscribed = ConcurrentHashMap.newKeySet();
    private final Thread loop;
    private ZPoller poller;
    private volatile boolean running = true;

    /**
     * @param targets   the endpoints and their KV-event sockets ({@code ClusterState::kvEventsTargets})
     * @param active    whether this replica follows endpoints at all (the scraper's switch)
     * @param publisher a publisher of its own (it compresses: snapshots are large)
     * @param source    the records' {@code source}, {@code state-ingestor:<identity>}
     */
    public KvEventsSubscriber(Supplier<List<KvEventsTarget>> targets, BooleanSupplier active,
                              KvSubscriberConfig config, Publisher publisher, String source, IngestorMetrics metrics) {
        this.targets = targets;
        this.active = active;
        this.config = config;
        this.publisher = publisher;
        this.source = source;
        this.metrics = metrics;
        this.outbox = new Outbox(OUTBOX_CAPACITY, metrics);
        metrics.kvEndpoints(subscribed, Set::size);
        this.loop = Thread.ofPlatform().name("kv-events").daemon(true).start(this::run);
    }

    /** Endpoints whose KV events are followed now. */
    public Set<EndpointId> endpoints() {
        return Set.copyOf(subscribed);
    }

    @Override
    public void close() {
        running = false;
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        outbox.close();
    }

    private void run() {
        poller = new ZPoller(zmq);
        try {
            long nextRefresh = System.nanoTime();
            while (running) {
                long now = System.nanoTime();
                if (now - nextRefresh >= 0) {
                    refresh();
                    nextRefresh = now + TARGET_REFRESH.toNanos();
                }
                for (Subscription s : subscriptions.values()) {
                    s.guarded(() -> s.tick(now));
                }
                dropFailed();
                long pollMs = subscriptions.values().stream().anyMatch(Subscription::awaitingHandshake)
                        ? HANDSHAKE_POLL_MS : POLL_MS;
                if (poller.registered() == 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMs));
                } else {
                    poller.poll(pollMs);
                }
                dropFailed();
            }
        } catch (RuntimeException e) {
            LOG.error("kv events subscriber stopped error={}", e.toString(), e);
        } finally {
            subscriptions.values().forEach(Subscription::close);
            subscriptions.clear();
            subscribed.clear();
            poller.close();
            zmq.close();
        }
    }

    /** Subscribes to new endpoints and leaves those that went (or moved); all of them while inactive. */
    private void refresh() {
        Map<EndpointId, KvEventsTarget> wanted = new HashMap<>();
        boolean on = active.getAsBoolean();
        if (on) {
            for (KvEventsTarget t : targets.get()) {
                wanted.put(t.endpoint(), t);
            }
        }
        for (Iterator<Subscription> it = subscriptions.values().iterator(); it.hasNext(); ) {
            Subscription s = it.next();
            KvEventsTarget now = wanted.get(s.target.endpoint());
            if (now == null || !now.equals(s.target)) {
                if (on) {
                    s.stream.left(now == null ? "no longer a ready member of a pool this replica follows"
                            : "its address or KV-event ports changed");
                }
                s.close();
                it.remove();
                subscribed.remove(s.target.endpoint());
                LOG.info("kv events unsubscribed endpoint={} url={}", s.target.endpoint(), s.target.eventsUrl());
            }
        }
        wanted.forEach((id, t) -> {
            if (!subscriptions.containsKey(id)) {
                subscriptions.put(id, new Subscription(t));
                subscribed.add(id);
                LOG.info("kv events subscribed endpoint={} url={} replay={}", id, t.eventsUrl(),
                        t.replayUrl() == null ? "none" : t.replayUrl());
            }
        });
    }

    /** Subscriptions whose handling threw are dropped; the next refresh subscribes afresh. */
    private void dropFailed() {
        for (Iterator<Subscription> it = subscriptions.values().iterator(); it.hasNext(); ) {
            Subscription s = it.next();
            if (s.failed) {
                s.close();
                it.remove();
                subscribed.remove(s.target.endpoint());
            }
        }
    }

    /** One endpoint: its sockets, its stream, and the replay in flight. Used on the loop thread only. */
    private final class Subscription implements EndpointStream.Sink {

        final KvEventsTarget target;
        final EndpointStream stream;
        final ZMQ.Socket sub;
        /**
         * Handshakes, counted by ZeroMQ's I/O thread before any message of that connection is delivered; a
         * second one is a reconnect. Handshakes rather than TCP connects, though JeroMQ also counts a peer
         * that answers with something else (an HTTP server) as a ZMTP 1.0 handshake.
         */
        final AtomicInteger connects = new AtomicInteger();
        /** Set by the producer's thread when a record of this endpoint was lost. */
        final AtomicBoolean lost = new AtomicBoolean();
        int connectsSeen;
        boolean failed;
        ZMQ.Socket dealer;
        /** Set by ZeroMQ's I/O thread when the replay connection's handshake is done: then the request goes. */
        AtomicBoolean handshaken = new AtomicBoolean();
        boolean requestUnsent;
        long replayFrom;
        int attempt;
        long replayDeadline;
        List<KvMessage> answers = new ArrayList<>();
        long lastWarnNanos = System.nanoTime() - WARN_EVERY_NANOS;

        Subscription(KvEventsTarget target) {
            this.target = target;
            this.stream = new EndpointStream(target, source, config.snapshotInterval(), this, metrics);
            this.sub = socket(SocketType.SUB);
            sub.setRcvHWM(RECEIVE_HWM);
            sub.setEventHook(event -> connects.incrementAndGet(), ZMQ.EVENT_HANDSHAKE_PROTOCOL);
            sub.subscribe(ZMQ.SUBSCRIPTION_ALL);
            sub.connect(target.eventsUrl());
            poller.register(sub, (socket, events) -> {
                guarded(this::readLive);
                return true;
            }, ZPoller.IN);
            stream.start();
        }

        void guarded(Runnable work) {
            if (failed) {
                return;
            }
            try {
                work.run();
            } catch (RuntimeException e) {
                failed = true;
                LOG.error("kv events subscription failed, subscribing afresh endpoint={} error={}", target.endpoint(),
                        e.toString(), e);
                stream.left("the subscriber failed: " + e);
            }
        }

        boolean awaitingHandshake() {
            return requestUnsent;
        }

        void tick(long now) {
            checkReconnect();
            if (lost.getAndSet(false)) {
                stream.recordLost();
            }
            if (requestUnsent && handshaken.get()) {
                requestUnsent = false;
                // Never block this thread: a request that cannot be queued is an attempt that times out.
                if (!dealer.send(EMPTY, ZMQ.SNDMORE | ZMQ.DONTWAIT)
                        || !dealer.send(KvSequence.bytes(replayFrom), ZMQ.DONTWAIT)) {
                    LOG.debug("kv events replay request not queued endpoint={} url={}", target.endpoint(),
                            target.replayUrl());
                }
            }
            if (dealer != null && now - replayDeadline > 0) {
                closeDealer();
                if (attempt < config.replayAttempts()) {
                    LOG.debug("kv events replay unanswered, asking again endpoint={} from={} attempt={}",
                            target.endpoint(), replayFrom, attempt + 1);
                    sendReplayRequest();
                } else {
                    int attempts = attempt;
                    attempt = 0;
                    stream.replayUnanswered(attempts, now);
                }
            }
            stream.tick(now);
        }

        private void checkReconnect() {
            int c = connects.get();
            if (c != connectsSeen) {
                boolean again = connectsSeen > 0;
                connectsSeen = c;
                if (again) {
                    // DEBUG: what matters (a restart) the stream logs; a peer that is no publisher reconnects often.
                    LOG.debug("kv events socket reconnected endpoint={} url={}", target.endpoint(), target.eventsUrl());
                    stream.reconnected();
                }
            }
        }

        private void readLive() {
            checkReconnect();
            for (int n = 0; n < MAX_PER_TURN; n++) {
                byte[] first = sub.recv(ZMQ.DONTWAIT);
                if (first == null) {
                    return;
                }
                long nanos = System.nanoTime();
                long ms = System.currentTimeMillis();
                List<byte[]> frames = rest(sub, first);
                if (frames.size() != 3) {
                    unreadable(frames, "frames", "expected 3 frames [topic, seq, payload], got " + sizes(frames), false);
                } else if (frames.get(1).length != 8 || seq(frames.get(1)) < 0) {
                    unreadable(frames, "seq", "the seq frame must be an 8-byte big-endian count from 0, got "
                            + sizes(frames), false);
                } else {
                    stream.message(KvMessage.of(seq(frames.get(1)), frames.get(2), ms, nanos, false), nanos);
                }
            }
        }

        /** Answers are {@code ["", seq, payload]} (vLLM before 0.26) or {@code ["", topic, seq, payload]}. */
        private void readReplay() {
            for (int n = 0; n < MAX_PER_TURN && dealer != null; n++) {
                byte[] first = dealer.recv(ZMQ.DONTWAIT);
                if (first == null) {
                    return;
                }
                long nanos = System.nanoTime();
                replayDeadline = nanos + config.replayTimeout().toNanos();
                List<byte[]> frames = rest(dealer, first);
                byte[] seqFrame = frames.size() >= 3 ? frames.get(frames.size() - 2) : EMPTY;
                if (frames.size() < 3 || frames.size() > 4 || frames.getFirst().length != 0 || seqFrame.length != 8) {
                    unreadable(frames, "frames", "a replay answer must be [\"\", (topic,) seq (8 bytes), payload], got "
                            + sizes(frames), true);
                    continue;
                }
                long seq = seq(seqFrame);
                if (seq == -1) {
                    List<KvMessage> got = answers;
                    closeDealer();
                    attempt = 0;
                    stream.replayAnswered(got, nanos);
                    return;
                }
                if (seq < 0) {
                    unreadable(frames, "seq", "a replayed seq must count from 0, was " + seq, true);
                    continue;
                }
                answers.add(KvMessage.of(seq, frames.getLast(), System.currentTimeMillis(), nanos, true));
            }
        }

        @Override
        public boolean publish(KvEventsRecord record, long receivedNanos) {
            Runnable acknowledged = record.kind() == KvEventsRecord.Kind.BATCH
                    ? () -> metrics.kvPublished(System.nanoTime() - receivedNanos) : () -> { };
            return outbox.offer(() -> publisher.send(Topics.KV_EVENTS, target.endpoint(), record, acknowledged,
                    () -> lost.set(true), "a snapshot of the endpoint follows"));
        }

        @Override
        public void requestReplay(long fromSeq) {
            closeDealer();
            replayFrom = fromSeq;
            attempt = 0;
            sendReplayRequest();
        }

        @Override
        public void malformed(KvMessage m, String reason) {
            metrics.kvMalformed("payload");
            deadLetter(m.seq(), m.payload(), MalformedKvEventsException.class.getName(), reason, m.replayed());
        }

        /**
         * A fresh DEALER per attempt, so an answer to an abandoned request never mixes with the next one. The
         * request is sent (by {@link #tick}) once the connection's handshake is done, never into a connection
         * whose handshake stalled (see {@link #HANDSHAKE_TIMEOUT_MS}).
         */
        private void sendReplayRequest() {
            attempt++;
            answers = new ArrayList<>();
            dealer = socket(SocketType.DEALER);
            dealer.setRcvHWM(0);
            AtomicBoolean done = new AtomicBoolean();
            handshaken = done;
            dealer.setEventHook(event -> done.set(true), ZMQ.EVENT_HANDSHAKE_PROTOCOL);
            dealer.connect(target.replayUrl());
            requestUnsent = true;
            replayDeadline = System.nanoTime() + config.replayTimeout().toNanos();
            poller.register(dealer, (socket, events) -> {
                guarded(this::readReplay);
                return true;
            }, ZPoller.IN);
        }

        private void closeDealer() {
            requestUnsent = false;
            if (dealer != null) {
                poller.unregister(dealer);
                zmq.destroySocket(dealer);
                dealer = null;
            }
        }

        private void unreadable(List<byte[]> frames, String kind, String reason, boolean replayed) {
            metrics.kvMalformed(kind);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            frames.forEach(all::writeBytes);
            deadLetter(-1, all.toByteArray(), IllegalArgumentException.class.getName(), reason, replayed);
        }

        private void deadLetter(long seq, byte[] value, String exception, String reason, boolean replayed) {
            String url = replayed ? target.replayUrl() : target.eventsUrl();
            long now = System.nanoTime();
            if (now - lastWarnNanos >= WARN_EVERY_NANOS) {
                lastWarnNanos = now;
                LOG.warn("kv events message unreadable, sent to dead-letters endpoint={} url={} seq={} reason=\"{}\" "
                        + "(more from this endpoint are logged at DEBUG for {}s)", target.endpoint(), url, seq, reason,
                        TimeUnit.NANOSECONDS.toSeconds(WARN_EVERY_NANOS));
            } else {
                LOG.debug("kv events message unreadable endpoint={} seq={} reason=\"{}\"", target.endpoint(), seq, reason);
            }
            String key = "kv-events/" + target.endpoint() + "/" + (seq < 0 ? "-" : Long.toString(seq));
            Map<String, String> headers = Map.of(DeadLetterHeaders.EXCEPTION, exception, DeadLetterHeaders.MESSAGE,
                    reason, DeadLetterHeaders.SOURCE, "kv-events " + url, DeadLetterHeaders.ENDPOINT,
                    target.endpoint().toString());
            outbox.offer(() -> publisher.deadLetter(key, value, headers));
        }

        private ZMQ.Socket socket(SocketType type) {
            ZMQ.Socket s = zmq.createSocket(type);
            s.setLinger(0);
            s.setIPv6(target.ipv6());
            s.setMaxMsgSize(MAX_MESSAGE_BYTES);
            s.setReconnectIVL(100);
            s.setReconnectIVLMax(5_000);
            s.setHandshakeIvl(HANDSHAKE_TIMEOUT_MS);
            return s;
        }

        void close() {
            closeDealer();
            poller.unregister(sub);
            zmq.destroySocket(sub);
        }
    }

    /** The frames of one message; those past {@link #MAX_FRAMES} are read and counted as empty ones. */
    private static List<byte[]> rest(ZMQ.Socket socket, byte[] first) {
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(first);
        while (socket.hasReceiveMore()) {
            byte[] f = socket.recv(0);
            frames.add(frames.size() < MAX_FRAMES ? f : EMPTY);
        }
        return frames;
    }

    private static String sizes(List<byte[]> frames) {
        StringJoiner j = new StringJoiner(", ", frames.size() + " (bytes: ", ")");
        for (int i = 0; i < Math.min(frames.size(), MAX_FRAMES); i++) {
            j.add(Integer.toString(frames.get(i).length));
        }
        return j.toString();
    }

    static long seq(byte[] b) {
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xFF);
        }
        return v;
    }

}
