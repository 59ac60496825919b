package io.inferrouter.sim.events;

import io.inferrouter.schemas.kv.KvEventBatch;
import io.inferrouter.schemas.kv.KvEventCodec;
import io.inferrouter.schemas.kv.KvEventEncoding;
import io.inferrouter.schemas.kv.KvSequence;
import io.inferrouter.sim.engine.KvEventSink;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * vLLM's {@code ZmqEventPublisher} for one pod (vllm/distributed/kv_events.py):
 * <ul>
 *   <li>a PUB socket sending each batch as {@code [topic, seq, payload]}: {@code seq} counts from 0 as
 *       an 8-byte big-endian integer, {@code payload} the msgpack batch ({@link KvEventCodec});</li>
 *   <li>a ROUTER socket for replays: a request {@code [identity, "", start_seq (8 bytes)]} (what a
 *       REQ or DEALER client sends) is answered with every buffered batch whose seq is at least
 *       {@code start_seq}, as {@code [identity, "", topic, seq, payload]}, then the end marker
 *       {@code [identity, "", "", -1 (8 bytes), ""]}; with {@link KvEventEncoding#ARRAY} (vLLM before
 *       0.26) without the topic frames;</li>
 *   <li>the last {@code bufferSteps} batches kept for replay.</li>
 * </ul>
 * The engine thread only offers a batch to a bounded queue (vLLM's {@code max_queue_size}, 100,000)
 * and never waits: a full queue drops the batch and counts it. One thread encodes and sends, another
 * answers replays; each owns its socket. The ZMQ context is the fleet's.
 */
public final class ZmqKvEventPublisher implements KvEventSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZmqKvEventPublisher.class);
    /** vLLM's defaults for the queue in front of the publisher thread and the PUB high-water mark. */
    static final int MAX_QUEUE = 100_000;
    static final int HWM = 100_000;
    private static final byte[] END_SEQ = KvSequence.bytes(KvSequence.END);
    private static final byte[] EMPTY = new byte[0];
    private static final int POLL_MS = 100;
    private static final long BIND_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int REPLAY_SEND_TIMEOUT_MS = 5_000;

    private record Buffered(long seq, byte[] payload) {
    }

    private final String pod;
    private final String address;
    private final KvEventsConfig config;
    private final KvEventCounters counters;
    private final byte[] topic;
    private final BlockingQueue<KvEventBatch> queue = new LinkedBlockingQueue<>(MAX_QUEUE);
    private final ReentrantLock bufferLock = new ReentrantLock();
    private final ArrayDeque<Buffered> buffer = new ArrayDeque<>();
    private final ZMQ.Context context;
    private final ZMQ.Socket pub;
    private final ZMQ.Socket router;
    private final int port;
    private final int replayPort;
    private final Thread sender;
    private final Thread replayer;
    private volatile boolean running = true;
    private long nextSeq;

    private ZmqKvEventPublisher(ZMQ.Context context, String pod, String address, KvEventsConfig config,
                                KvEventCounters counters, ZMQ.Socket pub, int port, ZMQ.Socket router, int replayPort) {
        this.context = context;
        this.pod = pod;
        this.address = address;
        this.config = config;
        this.counters = counters;
        this.topic = config.topic().getBytes(StandardCharsets.UTF_8);
        this.pub = pub;
        this.port = port;
        this.router = router;
        this.replayPort = replayPort;
        this.sender = Thread.ofPlatform().name("kv-events-" + pod).daemon().unstarted(this::sendLoop);
        this.replayer = Thread.ofPlatform().name("kv-replay-" + pod).daemon().unstarted(this::replayLoop);
    }

    /**
     * Binds both sockets on {@code address} and starts publishing.
     *
     * @param port       the PUB port, 0 for a free one
     * @param replayPort the ROUTER port, 0 for a free one
     * @throws IllegalStateException when a port cannot be bound
     */
    public static ZmqKvEventPublisher open(ZMQ.Context context, String pod, String address, int port, int replayPort,
                                           KvEventsConfig config, KvEventCounters counters) {
        ZMQ.Socket pub = context.socket(SocketType.PUB);
        ZMQ.Socket router = context.socket(SocketType.ROUTER);
        try {
            pub.setLinger(0);
            pub.setSndHWM(HWM);
            router.setLinger(0);
            // A reply is never dropped silently: a client whose queue is full makes the send wait (up to
            // REPLAY_SEND_TIMEOUT_MS), a gone client fails it; either way that replay is abandoned and logged.
            router.setRouterMandatory(true);
            router.setSendTimeOut(REPLAY_SEND_TIMEOUT_MS);
            int boundPort = bind(pub, address, port, "PUB");
            int boundReplay = bind(router, address, replayPort, "replay ROUTER");
            ZmqKvEventPublisher p = new ZmqKvEventPublisher(context, pod, address, config, counters, pub, boundPort,
                    router, boundReplay);
            p.sender.start();
            p.replayer.start();
            LOG.info("kv events publishing pod={} endpoint={} replay={} topic='{}' encoding={} intHashes={}", pod,
                    p.endpoint(), p.replayEndpoint(), config.topic(), config.encoding(), config.intHashes());
            return p;
        } catch (RuntimeException e) {
            pub.close();
            router.close();
            throw e;
        }
    }

    /**
     * Binds, retrying for up to {@link #BIND_RETRY_NANOS} while the address is in use: a restarted pod
     * binds the ports its previous sockets had, which ZMQ's I/O thread releases a moment after they close.
     */
    private static int bind(ZMQ.Socket socket, String address, int port, String what) {
        String endpoint = "tcp://" + address + ":" + (port == 0 ? "*" : Integer.toString(port));
        long deadline = System.nanoTime() + BIND_RETRY_NANOS;
        while (true) {
            try {
                if (!socket.bind(endpoint)) {
                    throw new IllegalStateException("cannot bind the KV events " + what + " socket to " + endpoint);
                }
                String last = socket.getLastEndpoint();
                return Integer.parseInt(last.substring(last.lastIndexOf(':') + 1));
            } catch (ZMQException e) {
                if (e.getErrorCode() != ZMQ.Error.EADDRINUSE.getCode() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot bind the KV events " + what + " socket to " + endpoint
                            + ": " + e.getMessage() + " (is the port taken? set it with --kv-events-port and "
                            + "--kv-events-replay-port)", e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    /** {@code tcp://address:port} of the PUB socket. */
    public String endpoint() {
        return "tcp://" + address + ":" + port;
    }

    /** {@code tcp://address:port} of the replay ROUTER socket. */
    public String replayEndpoint() {
        return "tcp://" + address + ":" + replayPort;
    }

    public int port() {
        return port;
    }

    public int replayPort() {
        return replayPort;
    }

    @Override
    public void publish(KvEventBatch batch) {
        if (!running) {
            return; // a killed pod publishes nothing
        }
        if (!queue.offer(batch)) {
            long n = counters.dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("kv events dropped pod={} dropped={} reason=publisher queue full capacity={}", pod, n,
                        MAX_QUEUE);
            }
        }
    }

    /** Stops both threads; each closes its socket. The context stays open (it is the fleet's). */
    @Override
    public void close() {
        running = false;
        join(sender);
        join(replayer);
        LOG.info("kv events stopped pod={} endpoint={}", pod, endpoint());
    }

    private void sendLoop() {
        try {
            while (running) {
                KvEventBatch batch = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (batch != null) {
                    send(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pub.close();
        }
    }

    private void send(KvEventBatch batch) {
        byte[] payload;
        try {
            payload = KvEventCodec.encode(config.intHashes() ? batch.withInt64Hashes() : batch, config.encoding());
        } catch (RuntimeException e) {
            long n = counters.dropped.incrementAndGet();
            LOG.error("kv events batch not encodable pod={} dropped={} error={}", pod, n, e.toString(), e);
            return;
        }
        long seq = nextSeq++;
        pub.sendMore(topic);
        pub.sendMore(KvSequence.bytes(seq));
        pub.send(payload, 0);
        bufferLock.lock();
        try {
            buffer.addLast(new Buffered(seq, payload));
            while (buffer.size() > config.bufferSteps()) {
                buffer.removeFirst();
            }
        } finally {
            bufferLock.unlock();
        }
        counters.published.incrementAndGet();
    }

    private void replayLoop() {
        ZMQ.Poller poller = context.poller(1);
        poller.register(router, ZMQ.Poller.POLLIN);
        try {
            while (running) {
                if (poller.poll(POLL_MS) <= 0) {
                    continue; // nothing within the poll interval: check whether to stop
                }
                byte[] identity = router.recv(ZMQ.DONTWAIT);
                if (identity == null) {
                    continue;
                }
                List<byte[]> frames = new ArrayList<>(3);
                frames.add(identity);
                while (router.hasReceiveMore()) {
                    frames.add(router.recv());
                }
                if (frames.size() != 3) {
                    LOG.warn("kv events replay request ignored pod={} frames={} reason=expected [identity, empty, "
                            + "start_seq]", pod, frames.size());
                    continue;
                }
                replay(identity, new BigInteger(1, frames.get(2)));
            }
        } catch (ZMQException e) {
            LOG.error("kv events replay socket failed pod={} error={}", pod, e.toString(), e);
        } finally {
            poller.close();
            router.close();
        }
    }

    private void replay(byte[] identity, BigInteger startSeq) {
        List<Buffered> wanted = new ArrayList<>();
        bufferLock.lock();
        try {
            for (Buffered b : buffer) {
                if (BigInteger.valueOf(b.seq()).compareTo(startSeq) >= 0) {
                    wanted.add(b);
                }
            }
        } finally {
            bufferLock.unlock();
        }
        boolean withTopic = config.encoding() == KvEventEncoding.MAP;
        try {
            for (Buffered b : wanted) {
                if (!reply(identity, withTopic ? topic : null, KvSequence.bytes(b.seq()), b.payload())) {
                    return;
                }
            }
            if (reply(identity, withTopic ? EMPTY : null, END_SEQ, EMPTY)) {
                counters.replays.incrementAndGet();
            }
        } catch (ZMQException e) {
            LOG.warn("kv events replay abandoned pod={} start={} batches={} error={}", pod, startSeq, wanted.size(),
                    e.toString());
        }
    }

    /** {@code [identity, "", (topic), seq, payload]}; false when the client did not take it in time. */
    private boolean reply(byte[] identity, byte[] topicFrame, byte[] seq, byte[] payload) {
        boolean sent = router.sendMore(identity) && router.sendMore(EMPTY)
                && (topicFrame == null || router.sendMore(topicFrame)) && router.sendMore(seq)
                && router.send(payload, 0);
        if (!sent) {
            LOG.warn("kv events replay abandoned pod={} reason=client gone or not reading within {} ms", pod,
                    REPLAY_SEND_TIMEOUT_MS);
        }
        return sent;
    }

    private static void join(Thread t) {
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
