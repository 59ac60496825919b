package io.inferrouter.sim;

import io.helidon.config.Config;
import io.inferrouter.schemas.kv.KvEventEncoding;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.events.KvEventsConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import io.inferrouter.sim.fleet.SimPod;
import io.inferrouter.support.Setting;
import io.inferrouter.support.Settings;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Runs a fleet of simulated vLLM pods. Every option is a flag ({@code --pods 8}) and an environment
 * variable ({@code SIM_PODS}); the flag wins. README's table is {@link #SETTINGS}' {@code markdownFlags()}.
 */
public final class Main {

    private static final SimConfig DEFAULTS = SimConfig.defaults();

    public static final Setting<Integer> PODS = Setting.integer("pods", "SIM_PODS", 8, "simulated pods");
    public static final Setting<String> BASE_ADDRESS = Setting.text("base-address", "SIM_BASE_ADDRESS", "127.0.1.1",
            "the first pod's loopback address; pod k listens on the k-th next one");
    public static final Setting<Integer> PORT = Setting.integer("port", "SIM_PORT", 8000, "every pod's port");
    public static final Setting<String> MODEL = Setting.text("model", "SIM_MODEL", DEFAULTS.model(),
            "the base model's name");
    public static final Setting<Double> TIME_SCALE = Setting.decimal("time-scale", "SIM_TIME_SCALE", 1.0,
            "real time per simulated GPU time (0.1 = ten times faster)");
    public static final Setting<Integer> NUM_GPU_BLOCKS = Setting.integer("num-gpu-blocks", "SIM_NUM_GPU_BLOCKS",
            DEFAULTS.numGpuBlocks(), "KV-cache blocks per pod");
    public static final Setting<Integer> MAX_NUM_SEQS = Setting.integer("max-num-seqs", "SIM_MAX_NUM_SEQS",
            DEFAULTS.maxNumSeqs(), "largest running batch per pod");
    public static final Setting<List<String>> ADAPTERS = Setting.list("adapters", "SIM_ADAPTERS",
            "LoRA adapters every pod can load");
    public static final Setting<Integer> MAX_LORAS = Setting.integer("max-loras", "SIM_MAX_LORAS",
            DEFAULTS.maxLoras(), "LoRA slots per pod");
    public static final Setting<Boolean> OLD_KV_METRIC = Setting.flag("old-kv-metric", "SIM_OLD_KV_METRIC", false,
            "also expose vllm:gpu_cache_usage_perc, as vLLM before V1 did");
    public static final Setting<List<String>> SLOW_POD = Setting.list("slow-pod", "SIM_SLOW_PODS",
            "INDEX:FACTOR: pod INDEX steps FACTOR times slower (repeatable)");
    public static final Setting<List<String>> SMALL_CACHE = Setting.list("small-cache", "SIM_SMALL_CACHES",
            "INDEX:BLOCKS: pod INDEX has only BLOCKS KV-cache blocks (repeatable)");

    public static final Setting<Boolean> KV_EVENTS = Setting.flag("kv-events", "SIM_KV_EVENTS", true,
            "publish vLLM's KV-cache events over ZeroMQ from every pod (--kv-events=false: none)");
    public static final Setting<Integer> KV_EVENTS_PORT = Setting.integer("kv-events-port", "SIM_KV_EVENTS_PORT",
            KvEventsConfig.DEFAULT_PORT, "the KV events PUB port on every pod's address (0: a free port)");
    public static final Setting<Integer> KV_EVENTS_REPLAY_PORT = Setting.integer("kv-events-replay-port",
            "SIM_KV_EVENTS_REPLAY_PORT", KvEventsConfig.DEFAULT_REPLAY_PORT,
            "the KV events replay (ROUTER) port on every pod's address (0: a free port)");
    public static final Setting<String> KV_EVENTS_TOPIC = Setting.text("kv-events-topic", "SIM_KV_EVENTS_TOPIC", "",
            "the topic frame of every KV event message").computedDefault(() -> "", "(empty)");
    public static final Setting<Integer> KV_EVENTS_BUFFER_STEPS = Setting.integer("kv-events-buffer-steps",
            "SIM_KV_EVENTS_BUFFER_STEPS", KvEventsConfig.DEFAULT_BUFFER_STEPS, "KV event batches kept for replay");
    public static final Setting<String> KV_EVENTS_ENCODING = Setting.text("kv-events-encoding",
            "SIM_KV_EVENTS_ENCODING", "array", "array: msgspec's array-like tagged events, vLLM's documented format "
                    + "(no topic in replay replies); map: as vLLM 0.26+ writes them (tagged maps; replay replies carry "
                    + "the topic)");
    public static final Setting<Boolean> KV_EVENTS_INT_HASHES = Setting.flag("kv-events-int-hashes",
            "SIM_KV_EVENTS_INT_HASHES", true, "block hashes in events as 64-bit integers, vLLM's default "
                    + "(false: the 32-byte SHA-256 digests)");
    public static final Setting<String> KV_HASH_SEED = Setting.text("kv-hash-seed", "SIM_KV_HASH_SEED",
            SimConfig.DEFAULT_HASH_SEED, "the pods' PYTHONHASHSEED: root of their sha256_cbor block hashes "
                    + "(random: a random root per pod)");

    public static final Settings SETTINGS = Settings.of("model-sim", PODS, BASE_ADDRESS, PORT, MODEL, TIME_SCALE,
            NUM_GPU_BLOCKS, MAX_NUM_SEQS, ADAPTERS, MAX_LORAS, OLD_KV_METRIC, SLOW_POD, SMALL_CACHE, KV_EVENTS,
            KV_EVENTS_PORT, KV_EVENTS_REPLAY_PORT, KV_EVENTS_TOPIC, KV_EVENTS_BUFFER_STEPS, KV_EVENTS_ENCODING,
            KV_EVENTS_INT_HASHES, KV_HASH_SEED);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        FleetConfig config;
        try {
            config = parse(Arrays.asList(args), System.getenv());
        } catch (RuntimeException e) {
            System.err.println("model-sim: " + e.getMessage() + "\nusage: model-sim [options]\n" + SETTINGS.usage());
            System.exit(2);
            return;
        }
        SimFleet fleet = SimFleet.start(config);
        for (SimPod p : fleet.pods()) {
            System.out.println(p.name() + " " + p.url()
                    + (p.kvEventsEndpoint() == null ? "" : " kv-events " + p.kvEventsEndpoint() + " replay "
                    + p.kvReplayEndpoint()));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fleet.close();
            stopped.countDown();
        }, "model-sim-shutdown"));
        stopped.await();
    }

    public static FleetConfig parse(List<String> args) {
        return parse(args, Map.of());
    }

    /** Reads the flags, the environment variables under them, then the defaults. */
    public static FleetConfig parse(List<String> args, Map<String, String> env) {
        Config c = SETTINGS.fromArgs(args, env);
        Map<Integer, UnaryOperator<SimConfig>> overrides = new HashMap<>();
        for (String slow : SLOW_POD.from(c)) {
            double factor = Double.parseDouble(perPod(slow, SLOW_POD)[1]);
            overrides.merge(Integer.parseInt(perPod(slow, SLOW_POD)[0]), s -> s.withStepMultiplier(factor),
                    (a, b) -> s -> b.apply(a.apply(s)));
        }
        for (String small : SMALL_CACHE.from(c)) {
            int blocks = Integer.parseInt(perPod(small, SMALL_CACHE)[1]);
            overrides.merge(Integer.parseInt(perPod(small, SMALL_CACHE)[0]), s -> s.withCache(blocks),
                    (a, b) -> s -> b.apply(a.apply(s)));
        }
        SimConfig d = DEFAULTS;
        String hashSeed = KV_HASH_SEED.from(c).trim();
        SimConfig defaults = new SimConfig(MODEL.from(c), ADAPTERS.from(c), MAX_LORAS.from(c), d.loraLoadMs(),
                MAX_NUM_SEQS.from(c), d.maxBatchedTokens(), d.blockSize(), NUM_GPU_BLOCKS.from(c), d.maxModelLen(),
                d.c0Ms(), d.wMs(), d.aMsPerToken(), d.kMsPerContextToken(), d.frontendMs(), d.jitter(),
                TIME_SCALE.from(c), 1.0, OLD_KV_METRIC.from(c), d.seed(), hashSeed.equals("random") ? null : hashSeed);
        KvEventEncoding encoding;
        try {
            encoding = KvEventEncoding.parse(KV_EVENTS_ENCODING.from(c));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KV_EVENTS_ENCODING.label() + " must be map or array, was '"
                    + KV_EVENTS_ENCODING.from(c) + "'", e);
        }
        KvEventsConfig events = new KvEventsConfig(KV_EVENTS.from(c), KV_EVENTS_PORT.from(c),
                KV_EVENTS_REPLAY_PORT.from(c), KV_EVENTS_TOPIC.from(c), KV_EVENTS_BUFFER_STEPS.from(c), encoding,
                KV_EVENTS_INT_HASHES.from(c));
        return new FleetConfig(PODS.from(c), BASE_ADDRESS.from(c), PORT.from(c), defaults, overrides, events);
    }

    private static String[] perPod(String text, Setting<?> setting) {
        String[] p = text.split(":");
        if (p.length != 2 || !p[0].trim().matches("\\d+")) {
            throw new IllegalArgumentException(setting.label() + " must be INDEX:VALUE, was '" + text + "'");
        }
        try {
            Double.parseDouble(p[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting.label() + " must be INDEX:VALUE, was '" + text + "'", e);
        }
        return new String[] {p[0].trim(), p[1].trim()};
    }
}
