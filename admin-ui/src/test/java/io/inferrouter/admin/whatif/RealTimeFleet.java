package io.inferrouter.admin.whatif;

import io.inferrouter.schemas.traces.TraceRequest;
import io.inferrouter.sim.engine.Engine;
import io.inferrouter.sim.engine.EngineRunner;
import io.inferrouter.sim.engine.SimRequest;
import io.inferrouter.sim.engine.TokenSink;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The reference the virtual-time replay is calibrated against: the same trace driven in real time
 * through model-sim's own {@link EngineRunner}s (one thread per pod, sleeping each step's model time
 * times the time scale), each request sent to pod {@code p mod pods} in arrival order (round-robin),
 * after the pod's API-server time ({@code frontendMs}, slept on a virtual thread, as model-sim's HTTP
 * handler does). No gateway, no HTTP: what remains is the engine model and the wall clock.
 */
final class RealTimeFleet {

    /** Per request in arrival order: the pod it went to and its time to first token and to its end, ms. */
    record Run(int[] pods, double[] ttftMs, double[] e2eMs) {
    }

    private RealTimeFleet() {
    }

    static Run run(FleetShape fleet, List<TraceRequest> trace, long seed) throws InterruptedException {
        List<TraceRequest> ordered = trace.stream()
                .sorted(Comparator.comparingLong(TraceRequest::timestampMs)).toList();
        int n = ordered.size();
        SyntheticPrompts prompts = new SyntheticPrompts(seed);
        List<int[]> tokens = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            tokens.add(prompts.of(ordered.get(k), k).tokens());
        }
        List<EngineRunner> runners = new ArrayList<>();
        for (int i = 0; i < fleet.pods(); i++) {
            runners.add(new EngineRunner(new Engine(fleet.podConfig(i)), Engine.Observer.NONE, "real-time-" + i).start());
        }
        long[] first = new long[n];
        long[] last = new long[n];
        long[] arrival = new long[n];
        int[] pods = new int[n];
        CountDownLatch done = new CountDownLatch(n);
        long frontendNanos = Math.round(fleet.sim().frontendMs() * 1e6 * fleet.sim().timeScale());
        long firstMs = ordered.get(0).timestampMs();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        try {
            for (int k = 0; k < n; k++) {
                int request = k;
                arrival[k] = start + TimeUnit.MILLISECONDS.toNanos(ordered.get(k).timestampMs() - firstMs);
                pods[k] = k % fleet.pods();
                EngineRunner runner = runners.get(pods[k]);
                for (long wait; (wait = arrival[k] - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
                Thread.ofVirtual().start(() -> {
                    LockSupport.parkNanos(frontendNanos);
                    runner.submit(new SimRequest("real-time-" + request, tokens.get(request),
                            ordered.get(request).outputLength(), null, runner.engine().hasher(),
                            fleet.sim().blockSize(), new TokenSink() {
                                @Override
                                public void token(int index, String text) {
                                    if (index == 0) {
                                        first[request] = System.nanoTime();
                                    }
                                }

                                @Override
                                public void finished(int promptTokens, int cachedTokens, int outputTokens) {
                                    last[request] = System.nanoTime();
                                    done.countDown();
                                }

                                @Override
                                public void failed(String reason) {
                                    done.countDown();
                                }
                            }, arrival[request]));
                });
            }
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(done.getCount() + " requests did not finish in 10 minutes");
            }
        } finally {
            runners.forEach(EngineRunner::close);
        }
        double[] ttft = new double[n];
        double[] e2e = new double[n];
        for (int k = 0; k < n; k++) {
            ttft[k] = (first[k] - arrival[k]) / 1e6;
            e2e[k] = (last[k] - arrival[k]) / 1e6;
        }
        return new Run(pods, ttft, e2e);
    }
}
