package io.inferrouter.ingestor;

import io.inferrouter.schemas.kv.ExternalBlockHash;
import io.inferrouter.schemas.kv.KvEvent;
import io.inferrouter.schemas.kv.KvEventBatch;
import io.inferrouter.schemas.kv.KvEventCodec;
import io.inferrouter.schemas.kv.KvEventEncoding;
import io.inferrouter.schemas.kv.KvSequence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A vLLM KV-event publisher under a test's control, on its own loopback address: an XPUB socket (a PUB
 * that also tells when a subscriber's subscription arrived, so nothing is published into the void) and a
 * replay ROUTER answering from a buffer the test fills, in vLLM's array form (no topic frame), its map
 * form (with it), or not at all.
 */
final class ScriptedKvPod implements AutoCloseable {

    enum Replies { ARRAY, MAP, SILENT }

    static final byte[] TOPIC = "kv@scripted".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] END = {-1, -1, -1, -1, -1, -1, -1, -1};

    final String address;
    final int port;
    final int replayPort;
    private final ZContext zmq = new ZContext(1);
    /** Used by the test's thread only. */
    private final ZMQ.Socket pub;
    private final Thread server;
    private final CountDownLatch bound = new CountDownLatch(1);
    private final ConcurrentSkipListMap<Long, byte[]> buffer = new ConcurrentSkipListMap<>();
    private final List<Long> requests = new CopyOnWriteArrayList<>();
    private volatile Replies replies = Replies.ARRAY;
    private volatile int boundReplayPort;
    private volatile boolean running = true;

    ScriptedKvPod(String address) throws InterruptedException {
        this.address = address;
        pub = zmq.createSocket(SocketType.XPUB);
        pub.setLinger(0);
        pub.bind("tcp://" + address + ":*");
        port = port(pub);
        server = Thread.ofPlatform().name("scripted-replay-" + address).daemon().start(this::serve);
        if (!bound.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the scripted replay socket did not bind");
        }
        replayPort = boundReplayPort;
    }

    /** The annotations that point the ingestor at this pod. */
    Map<String, String> annotations() {
        return Map.of("inferrouter.io/kv-events-port", Integer.toString(port), "inferrouter.io/kv-events-replay-port",
                Integer.toString(replayPort));
    }

    /** Waits until a subscriber's subscription has reached the PUB side. */
    void awaitSubscriber(Duration timeout) {
        pub.setReceiveTimeOut(100);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] s = pub.recv();
            if (s != null && s.length > 0 && s[0] == 1) {
                return;
            }
        }
        throw new AssertionError("no subscriber joined " + address + ":" + port + " within " + timeout);
    }

    /** Publishes a batch live and keeps it for replays. */
    void publish(long seq, byte[] payload) {
        buffer.put(seq, payload);
        send(TOPIC, seqBytes(seq), payload);
    }

    /** Keeps a batch for replays only: a live message the subscriber missed. */
    void bufferOnly(long seq, byte[] payload) {
        buffer.put(seq, payload);
    }

    /** Publishes any frames, as a broken publisher might. */
    void send(byte[]... frames) {
        for (int i = 0; i < frames.length - 1; i++) {
            pub.sendMore(frames[i]);
        }
        pub.send(frames[frames.length - 1], 0);
    }

    void replies(Replies mode) {
        replies = mode;
    }

    /** The start seqs of the replay requests received so far. */
    List<Long> requests() {
        return List.copyOf(requests);
    }

    /** A batch storing the given blocks (16 tokens each), in vLLM's default array form. */
    static byte[] stored(long... hashes) {
        List<ExternalBlockHash> h = Arrays.stream(hashes).<ExternalBlockHash>mapToObj(ExternalBlockHash.Int64::new)
                .toList();
        return batch(KvEvent.BlockStored.onGpu(h, null, IntStream.range(0, 16 * hashes.length).boxed().toList(), 16,
                null, null));
    }

    static byte[] batch(KvEvent... events) {
        return KvEventCodec.encode(new KvEventBatch(System.currentTimeMillis() / 1000.0, List.of(events), 0),
                KvEventEncoding.ARRAY);
    }

    static byte[] seqBytes(long seq) {
        return KvSequence.bytes(seq);
    }

    private void serve() {
        try (ZMQ.Socket router = zmq.createSocket(SocketType.ROUTER); ZMQ.Poller poller = zmq.createPoller(1)) {
            router.setLinger(0);
            router.bind("tcp://" + address + ":*");
            boundReplayPort = port(router);
            bound.countDown();
            poller.register(router, ZMQ.Poller.POLLIN);
            while (running) {
                if (poller.poll(50) <= 0) {
                    continue;
                }
                List<byte[]> frames = new ArrayList<>();
                frames.add(router.recv());
                while (router.hasReceiveMore()) {
                    frames.add(router.recv());
                }
                if (frames.size() != 3 || frames.get(2).length != 8) {
                    continue;
                }
                long from = seq(frames.get(2));
                requests.add(from);
                Replies mode = replies;
                if (mode == Replies.SILENT) {
                    continue;
                }
                byte[] id = frames.getFirst();
                for (Map.Entry<Long, byte[]> e : buffer.tailMap(from).entrySet()) {
                    reply(router, id, mode, seqBytes(e.getKey()), e.getValue());
                }
                reply(router, id, mode, END, EMPTY);
            }
        } catch (RuntimeException e) {
            if (running) {
                throw e;
            }
        }
    }

    private static void reply(ZMQ.Socket router, byte[] id, Replies mode, byte[] seq, byte[] payload) {
        router.sendMore(id);
        router.sendMore(EMPTY);
        if (mode == Replies.MAP) {
            router.sendMore(payload.length == 0 ? EMPTY : TOPIC);
        }
        router.sendMore(seq);
        router.send(payload, 0);
    }

    private static int port(ZMQ.Socket s) {
        String last = s.getLastEndpoint();
        return Integer.parseInt(last.substring(last.lastIndexOf(':') + 1));
    }

    private static long seq(byte[] b) {
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xFF);
        }
        return v;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        server.join(5_000);
        zmq.close();
    }
}
