package io.inferrouter.sim.fleet;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.sim.api.CompletionService;
import io.inferrouter.sim.api.Faults;
import io.inferrouter.sim.api.PodMetrics;
import io.inferrouter.sim.engine.Engine;
import io.inferrouter.sim.engine.EngineRunner;
import io.inferrouter.sim.engine.EngineStats;
import io.inferrouter.sim.engine.KvEventSink;
import io.inferrouter.sim.engine.SimConfig;
import io.inferrouter.sim.events.KvEventCounters;
import io.inferrouter.sim.events.KvEventsConfig;
import io.inferrouter.sim.events.ZmqKvEventPublisher;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * One simulated pod: an engine, its step loop, and an HTTP server on its own address, with vLLM's
 * API, {@code /health}, {@code /metrics}, and a control API for fault drills:
 * <ul>
 *   <li>{@code POST /sim/control/pause}, {@code /resume}: stall the engine (requests queue up)</li>
 *   <li>{@code POST /sim/control/slow?factor=3}: every step takes 3 times longer</li>
 *   <li>{@code POST /sim/control/metrics?mode=ok|fail|hang}: {@code /metrics} answers, fails with 500, or hangs</li>
 *   <li>{@code POST /sim/control/reject?status=503}: answer inference requests with that status (0 to stop),
 *       in OpenAI's error shape with the matching type ({@code ServiceUnavailableError}, {@code RateLimitError}, ...)</li>
 *   <li>{@code POST /sim/control/drop-after?tokens=3}: cut streamed answers after 3 token chunks (0 to
 *       stop): the connection closes with the chunked body unfinished (clients read an I/O error), no
 *       final chunk and no {@code [DONE]}</li>
 *   <li>{@code POST /sim/control/kill}: answer 200, then stop the pod's web server, as a killed pod:
 *       new connections are refused; the engine keeps its state (queued work is abandoned by its
 *       clients). {@code ?restart-after=2s} (or {@code 500ms}, {@code 1m}) listens again on the same
 *       address and port after that delay; without it the pod stays down until {@link #restart}</li>
 *   <li>{@code POST /sim/control/clear}: every fault off; {@code GET /sim/state}: what is on</li>
 * </ul>
 * Tests can also call {@link #kill} and {@link #restart} directly.
 *
 * <p>With KV events on, the pod publishes vLLM's KV-cache events on {@code tcp://address:5557} (PUB)
 * and answers replays on {@code :5558} (ROUTER), see {@link ZmqKvEventPublisher}. A kill closes both
 * sockets; a restart is a new process: the engine drops its requests and its cache, the sockets are
 * bound again on the same ports with a new sequence from 0, whose first batch is
 * {@code [AllBlocksCleared]}.
 */
public final class SimPod implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimPod.class);

    private final String name;
    private final String address;
    private final int port;
    private final SimConfig config;
    private final EngineRunner runner;
    private final PodMetrics metrics;
    private final Faults faults = new Faults();
    private final KvEventsConfig kvEvents;
    private final ZMQ.Context zmq;
    private final KvEventCounters kvCounters = new KvEventCounters();
    private volatile ZmqKvEventPublisher publisher;
    private int kvPort;
    private int kvReplayPort;
    /** Kill, restart and close: a delayed restart (the kill drill) must not revive a closed pod. */
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile WebServer server;
    private boolean closed;

    /** @param zmq the fleet's context; null when {@code kvEvents} is off */
    SimPod(String name, String address, int port, SimConfig config, KvEventsConfig kvEvents, ZMQ.Context zmq) {
        this.name = name;
        this.address = address;
        this.config = config;
        this.kvEvents = kvEvents;
        this.zmq = zmq;
        if (kvEvents.enabled()) {
            this.publisher = ZmqKvEventPublisher.open(zmq, name, address, kvEvents.port(), kvEvents.replayPort(),
                    kvEvents, kvCounters);
            this.kvPort = publisher.port();
            this.kvReplayPort = publisher.replayPort();
        }
        Engine engine = new Engine(config, publisher == null ? KvEventSink.NONE : publisher);
        this.metrics = new PodMetrics(config, engine::stats, engine::waitingNow, kvEvents.enabled() ? kvCounters : null);
        this.runner = new EngineRunner(engine, metrics, name).start();
        try {
            this.server = listen(port);
        } catch (RuntimeException e) {
            runner.close();
            closePublisher();
            throw e;
        }
        this.port = server.port();
        LOG.info("simulated pod started name={} url={} model={} kvBlocks={} timeScale={} kvEvents={}", name, url(),
                config.model(), config.numGpuBlocks(), config.timeScale(),
                kvEvents.enabled() ? kvEventsEndpoint() : "off");
    }

    public String name() {
        return name;
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://" + address + ":" + port;
    }

    public SimConfig config() {
        return config;
    }

    public EngineRunner runner() {
        return runner;
    }

    public Faults faults() {
        return faults;
    }

    public EngineStats stats() {
        return runner.engine().stats();
    }

    /** {@code tcp://address:port} of the KV-event PUB socket, or null when events are off. */
    public String kvEventsEndpoint() {
        return kvEvents.enabled() ? "tcp://" + address + ":" + kvPort : null;
    }

    /** {@code tcp://address:port} of the KV-event replay ROUTER socket, or null when events are off. */
    public String kvReplayEndpoint() {
        return kvEvents.enabled() ? "tcp://" + address + ":" + kvReplayPort : null;
    }

    public KvEventsConfig kvEvents() {
        return kvEvents;
    }

    /**
     * Where this pod's KV-event batches go: its publisher (the engine's own socket), or
     * {@link KvEventSink#NONE}. A load generator may add batches of its own, as the bench's event
     * throughput run does on idle pods; they get the next sequence numbers like the engine's.
     */
    public KvEventSink kvEventSink() {
        ZmqKvEventPublisher p = publisher;
        return p == null ? KvEventSink.NONE : p;
    }

    /** KV-event counts since the pod started, across restarts. */
    public KvEventCounters kvEventCounters() {
        return kvCounters;
    }

    public boolean listening() {
        return server != null && server.isRunning();
    }

    /** Stops listening, as a killed pod; queued work in the engine is abandoned by its clients. */
    public void kill() {
        lifecycle.lock();
        try {
            WebServer s = server;
            boolean wasListening = s != null && s.isRunning();
            if (wasListening) {
                s.stop();
            }
            // Also when something else stopped the server (Helidon's own shutdown hook stops every server
            // at JVM exit): a publisher left open keeps the fleet's ZMQ context from ever terminating.
            closePublisher();
            if (wasListening) {
                LOG.info("simulated pod killed name={}", name);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Starts again as a new process on the same address and ports: requests still in the engine fail,
     * the KV cache is empty, KV events start over (seq 0: {@code [AllBlocksCleared]}). Does nothing
     * while the pod is listening or once it is closed.
     */
    public void restart() {
        lifecycle.lock();
        try {
            if (!closed && !listening()) {
                KvEventSink sink = KvEventSink.NONE;
                if (kvEvents.enabled()) {
                    publisher = ZmqKvEventPublisher.open(zmq, name, address, kvPort, kvReplayPort, kvEvents,
                            kvCounters);
                    sink = publisher;
                }
                awaitEngineRestart(sink);
                server = listen(port);
                LOG.info("simulated pod restarted name={}", name);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** The engine resets on its own thread; new requests are accepted only after it has. */
    private void awaitEngineRestart(KvEventSink sink) {
        try {
            runner.restart(sink).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting pod " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("pod " + name + " engine did not restart within 30 s: " + e, e);
        }
    }

    private void closePublisher() {
        ZmqKvEventPublisher p = publisher;
        publisher = null;
        if (p != null) {
            p.close();
        }
    }

    @Override
    public void close() {
        lifecycle.lock();
        try {
            closed = true;
            kill();
        } finally {
            lifecycle.unlock();
        }
        runner.close();
    }

    private WebServer listen(int p) {
        return WebServer.builder().host(address).port(p)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(this::routing).build().start();
    }

    private void routing(HttpRouting.Builder r) {
        r.register(new CompletionService(config, runner, faults))
                .get("/health", (req, res) -> res.send())
                .get("/metrics", this::metrics)
                .post("/sim/control/{action}", this::control)
                .get("/sim/state", this::state);
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        switch (faults.metrics()) {
            case FAIL -> {
                res.status(Status.INTERNAL_SERVER_ERROR_500);
                res.send("metrics unavailable (fault drill)");
            }
            case HANG -> {
                // Hold the scrape far longer than any scraper waits.
                LockSupport.parkNanos(60_000_000_000L);
                res.send();
            }
            case OK -> {
                res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                res.send(metrics.scrape());
            }
        }
    }

    private void control(ServerRequest req, ServerResponse res) {
        String action = req.path().pathParameters().get("action");
        if (action.equals("kill")) {
            kill(req, res);
            return;
        }
        try {
            switch (action) {
                case "pause" -> runner.pause(true);
                case "resume" -> runner.pause(false);
                case "slow" -> runner.slowdown(Double.parseDouble(req.query().first("factor").orElse("1")));
                case "metrics" -> faults.metrics(Faults.MetricsMode.valueOf(
                        req.query().first("mode").orElse("ok").toUpperCase(java.util.Locale.ROOT)));
                case "reject" -> faults.reject(Integer.parseInt(req.query().first("status").orElse("0")));
                case "drop-after" -> faults.dropAfter(Integer.parseInt(req.query().first("tokens").orElse("0")));
                case "clear" -> {
                    faults.clear();
                    runner.pause(false);
                    runner.slowdown(1.0);
                }
                default -> {
                    res.status(Status.NOT_FOUND_404);
                    res.send("unknown control action '" + action
                            + "' (pause, resume, slow, metrics, reject, drop-after, kill, clear)");
                    return;
                }
            }
        } catch (IllegalArgumentException e) {
            res.status(Status.BAD_REQUEST_400);
            res.send("bad control parameter: " + e.getMessage());
            return;
        }
        LOG.info("fault drill pod={} action={} query={}", name, action, req.query().rawValue());
        state(req, res);
    }

    /** The kill drill: answers first, then stops the server from another thread (not its own handler). */
    private void kill(ServerRequest req, ServerResponse res) {
        Duration restartAfter;
        try {
            restartAfter = req.query().first("restart-after").map(SimPod::duration).orElse(null);
        } catch (IllegalArgumentException e) {
            res.status(Status.BAD_REQUEST_400);
            res.send("bad control parameter: " + e.getMessage());
            return;
        }
        LOG.info("fault drill pod={} action=kill restartAfter={}", name, restartAfter);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CONNECTION, "close");
        res.send("{\"pod\":\"" + name + "\",\"killed\":true,\"restartAfterMs\":"
                + (restartAfter == null ? "null" : restartAfter.toMillis()) + "}");
        Thread.ofVirtual().name("kill-" + name).start(() -> {
            kill();
            if (restartAfter != null) {
                LockSupport.parkNanos(restartAfter.toNanos());
                try {
                    restart();
                } catch (RuntimeException e) {
                    LOG.error("fault drill pod={} action=restart failed error={}", name, e.toString());
                }
            }
        });
    }

    /** {@code 2s}, {@code 500ms}, {@code 1.5s}, {@code 1m}; a bare number is seconds. */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        double factorMs = 1000;
        String number = t;
        if (t.endsWith("ms")) {
            factorMs = 1;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            factorMs = 60_000;
            number = t.substring(0, t.length() - 1);
        }
        double value;
        try {
            value = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("restart-after must be a duration like 2s or 500ms, was '" + text + "'");
        }
        if (value < 0 || Double.isNaN(value)) {
            throw new IllegalArgumentException("restart-after must not be negative, was '" + text + "'");
        }
        return Duration.ofNanos((long) (value * factorMs * 1e6));
    }

    private void state(ServerRequest req, ServerResponse res) {
        EngineStats s = stats();
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(String.format(java.util.Locale.ROOT, "{\"pod\":\"%s\",\"paused\":%b,\"slowdown\":%s,\"metrics\":\"%s\","
                        + "\"rejectStatus\":%d,\"dropAfterTokens\":%d,\"running\":%d,\"waiting\":%d,\"kvUsage\":%.4f,"
                        + "\"preemptions\":%d,\"kvEvents\":%s,\"kvEventsReplay\":%s}", name, runner.paused(),
                runner.slowdown(), faults.metrics(), faults.rejectStatus(), faults.dropAfterTokens(), s.running(),
                s.waiting(), s.kvUsage(), s.preemptions(), quoted(kvEventsEndpoint()), quoted(kvReplayEndpoint())));
    }

    private static String quoted(String text) {
        return text == null ? "null" : "\"" + text + "\"";
    }
}
