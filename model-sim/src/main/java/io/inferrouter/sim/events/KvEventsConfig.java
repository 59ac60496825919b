package io.inferrouter.sim.events;

import io.inferrouter.schemas.kv.KvEventEncoding;

/**
 * A pod's KV-event publishing, as vLLM's {@code --kv-events-config} with the ZMQ publisher: a PUB
 * socket on {@code tcp://<pod address>:port} and a ROUTER socket for replays on {@code replayPort}.
 *
 * @param enabled     publish at all
 * @param port        the PUB port (vLLM's default 5557); 0 binds a free port
 * @param replayPort  the replay ROUTER port (5558, as vLLM's examples configure it); 0 binds a free port
 * @param topic       the topic frame of every message ({@code ""} as vLLM's default)
 * @param bufferSteps batches kept for replay ({@code buffer_steps}, 10,000)
 * @param encoding    {@link KvEventEncoding#MAP} (vLLM 0.26 and later; replies to a replay carry the
 *                    topic frame) or {@link KvEventEncoding#ARRAY} (earlier vLLM; replies without it)
 * @param intHashes   block hashes as 64-bit integers (vLLM's default,
 *                    {@code VLLM_KV_EVENTS_USE_INT_BLOCK_HASHES=1}) or as the 32-byte digests
 */
public record KvEventsConfig(boolean enabled, int port, int replayPort, String topic, int bufferSteps,
                             KvEventEncoding encoding, boolean intHashes) {

    public static final int DEFAULT_PORT = 5557;
    public static final int DEFAULT_REPLAY_PORT = 5558;
    public static final int DEFAULT_BUFFER_STEPS = 10_000;

    public KvEventsConfig {
        port(port, "kv-events-port");
        port(replayPort, "kv-events-replay-port");
        if (port != 0 && port == replayPort) {
            throw new IllegalArgumentException("the KV events port and replay port must differ, both were " + port);
        }
        topic = topic == null ? "" : topic;
        if (bufferSteps < 1) {
            throw new IllegalArgumentException("kv-events-buffer-steps must be >= 1, was " + bufferSteps);
        }
        if (encoding == null) {
            throw new IllegalArgumentException("a KV event encoding is required (map or array)");
        }
    }

    /**
     * vLLM's defaults: on, ports 5557 and 5558, topic "", 10,000 batches, int hashes; events in the
     * array-like tagged form of vLLM's documented format and its example subscriber (vLLM 0.26 writes
     * maps: {@link KvEventEncoding#MAP}).
     */
    public static KvEventsConfig defaults() {
        return new KvEventsConfig(true, DEFAULT_PORT, DEFAULT_REPLAY_PORT, "", DEFAULT_BUFFER_STEPS,
                KvEventEncoding.ARRAY, true);
    }

    /** The defaults on free ports (tests, where fixed ports may be taken). */
    public static KvEventsConfig onFreePorts() {
        return defaults().withPorts(0, 0);
    }

    public static KvEventsConfig off() {
        return new KvEventsConfig(false, DEFAULT_PORT, DEFAULT_REPLAY_PORT, "", DEFAULT_BUFFER_STEPS,
                KvEventEncoding.ARRAY, true);
    }

    /** What a fleet gets unless told: vLLM's ports, or free ones when the fleet's HTTP port is free (0). */
    public static KvEventsConfig defaultsFor(int httpPort) {
        return httpPort == 0 ? onFreePorts() : defaults();
    }

    public KvEventsConfig withPorts(int pub, int replay) {
        return new KvEventsConfig(enabled, pub, replay, topic, bufferSteps, encoding, intHashes);
    }

    public KvEventsConfig withEncoding(KvEventEncoding e, boolean ints) {
        return new KvEventsConfig(enabled, port, replayPort, topic, bufferSteps, e, ints);
    }

    public KvEventsConfig withTopic(String t) {
        return new KvEventsConfig(enabled, port, replayPort, t, bufferSteps, encoding, intHashes);
    }

    public KvEventsConfig withBufferSteps(int steps) {
        return new KvEventsConfig(enabled, port, replayPort, topic, steps, encoding, intHashes);
    }

    private static void port(int p, String what) {
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException(what + " must be 0-65535, was " + p);
        }
    }
}
