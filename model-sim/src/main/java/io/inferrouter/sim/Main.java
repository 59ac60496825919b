package io.inferrouter.sim;

import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.fleet.FleetConfig;
import io.inferrouter.sim.fleet.SimFleet;
import io.inferrouter.sim.fleet.SimPod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Runs a fleet of simulated vLLM pods. Flags:
 * {@code --pods 8 --base-address 127.0.1.1 --port 8000 --model NAME --time-scale 1.0 --num-gpu-blocks 28000
 * --max-num-seqs 256 --adapters a,b,c --max-loras 4 --old-kv-metric --slow-pod INDEX:FACTOR --small-cache INDEX:BLOCKS}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        FleetConfig config;
        try {
            config = parse(Arrays.asList(args));
        } catch (RuntimeException e) {
            System.err.println("model-sim: " + e.getMessage());
            System.exit(2);
            return;
        }
        SimFleet fleet = SimFleet.start(config);
        for (SimPod p : fleet.pods()) {
            System.out.println(p.name() + " " + p.url());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fleet.close();
            stopped.countDown();
        }, "model-sim-shutdown"));
        stopped.await();
    }

    public static FleetConfig parse(List<String> args) {
        int pods = 8;
        String base = "127.0.1.1";
        int port = 8000;
        SimConfig c = SimConfig.defaults();
        String model = c.model();
        double timeScale = 1.0;
        int blocks = c.numGpuBlocks();
        int maxSeqs = c.maxNumSeqs();
        List<String> adapters = new ArrayList<>();
        int maxLoras = c.maxLoras();
        boolean oldKv = false;
        Map<Integer, UnaryOperator<SimConfig>> overrides = new HashMap<>();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String flag = rest.remove(0);
            switch (flag) {
                case "--pods" -> pods = Integer.parseInt(value(flag, rest));
                case "--base-address" -> base = value(flag, rest);
                case "--port" -> port = Integer.parseInt(value(flag, rest));
                case "--model" -> model = value(flag, rest);
                case "--time-scale" -> timeScale = Double.parseDouble(value(flag, rest));
                case "--num-gpu-blocks" -> blocks = Integer.parseInt(value(flag, rest));
                case "--max-num-seqs" -> maxSeqs = Integer.parseInt(value(flag, rest));
                case "--adapters" -> adapters.addAll(Arrays.asList(value(flag, rest).split(",")));
                case "--max-loras" -> maxLoras = Integer.parseInt(value(flag, rest));
                case "--old-kv-metric" -> oldKv = true;
                case "--slow-pod" -> {
                    String[] p = value(flag, rest).split(":");
                    double factor = Double.parseDouble(p[1]);
                    overrides.merge(Integer.parseInt(p[0]), s -> s.withStepMultiplier(factor), (a, b) -> s -> b.apply(a.apply(s)));
                }
                case "--small-cache" -> {
                    String[] p = value(flag, rest).split(":");
                    int n = Integer.parseInt(p[1]);
                    overrides.merge(Integer.parseInt(p[0]), s -> s.withCache(n), (a, b) -> s -> b.apply(a.apply(s)));
                }
                default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
            }
        }
        SimConfig defaults = new SimConfig(model, adapters, maxLoras, c.loraLoadMs(), maxSeqs, c.maxBatchedTokens(),
                c.blockSize(), blocks, c.maxModelLen(), c.c0Ms(), c.wMs(), c.aMsPerToken(), c.kMsPerContextToken(),
                c.frontendMs(), c.jitter(), timeScale, 1.0, oldKv, c.seed());
        return new FleetConfig(pods, base, port, defaults, overrides);
    }

    private static String value(String flag, List<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.remove(0);
    }
}
