package io.inferrouter.ingestor.scrape;

import io.inferrouter.ingestor.publish.Publisher;
import io.inferrouter.ingestor.state.ScrapeTarget;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.topics.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes {@code /metrics} of every endpoint at a fixed interval, each endpoint on its own virtual
 * thread with a short timeout, and publishes one {@link EndpointMetrics} per scrape. A failed or
 * slow scrape is published too (with {@code scrapeError}), so staleness shows downstream, and that
 * endpoint backs off exponentially up to a ceiling. Scrapes only while {@code active} says so (the
 * leader of several replicas).
 */
public final class Scraper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Scraper.class);

    private final Supplier<List<ScrapeTarget>> targets;
    private final Publisher publisher;
    private final BooleanSupplier active;
    private final Duration interval;
    private final Duration timeout;
    private final Duration maxBackoff;
    private final String source;
    private final HttpClient http;
    private final Timer latency;
    private final Counter failures;
    private final Map<String, Thread> loops = new ConcurrentHashMap<>();
    private final Map<String, ScrapeTarget> current = new ConcurrentHashMap<>();
    private final Thread reconciler;
    private volatile boolean running = true;

    public Scraper(Supplier<List<ScrapeTarget>> targets, Publisher publisher, BooleanSupplier active, Duration interval,
                   Duration timeout, Duration maxBackoff, String source, MeterRegistry registry) {
        this.targets = targets;
        this.publisher = publisher;
        this.active = active;
        this.interval = interval;
        this.timeout = timeout;
        this.maxBackoff = maxBackoff;
        this.source = source;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        this.latency = Timer.builder("ingestor_scrape_duration").description("Time to scrape one endpoint's /metrics")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
        this.failures = Counter.builder("ingestor_scrape_failures").description("Scrapes that failed or timed out")
                .register(registry);
        registry.gauge("ingestor_scrape_endpoints", loops, Map::size);
        this.reconciler = Thread.ofPlatform().daemon().name("scrape-reconciler").start(this::reconcileLoop);
    }

    /** Endpoints being scraped now. */
    public Set<String> endpoints() {
        return Set.copyOf(loops.keySet());
    }

    @Override
    public void close() {
        running = false;
        reconciler.interrupt();
        loops.values().forEach(Thread::interrupt);
    }

    private void reconcileLoop() {
        while (running) {
            try {
                reconcile();
            } catch (RuntimeException e) {
                LOG.warn("scrape target refresh failed error={}", e.toString());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(500, Math.max(50, interval.toMillis()))));
        }
    }

    void reconcile() {
        Map<String, ScrapeTarget> wanted = new ConcurrentHashMap<>();
        if (active.getAsBoolean()) {
            for (ScrapeTarget t : targets.get()) {
                wanted.put(t.endpoint(), t);
            }
        }
        for (String id : new HashSet<>(loops.keySet())) {
            if (!wanted.containsKey(id) || !wanted.get(id).equals(current.get(id))) {
                Thread loop = loops.remove(id);
                current.remove(id);
                if (loop != null) {
                    loop.interrupt();
                }
            }
        }
        wanted.forEach((id, t) -> {
            if (!loops.containsKey(id)) {
                current.put(id, t);
                loops.put(id, Thread.ofVirtual().name("scrape-" + id).start(() -> scrapeLoop(t)));
            }
        });
    }

    private void scrapeLoop(ScrapeTarget t) {
        long lastSuccess = 0;
        long backoffMs = 0;
        while (running && !Thread.currentThread().isInterrupted()) {
            long started = System.nanoTime();
            EndpointMetrics m;
            try {
                m = scrape(t);
                lastSuccess = m.observedAtMs();
                backoffMs = 0;
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                failures.increment();
                long now = System.currentTimeMillis();
                m = new EndpointMetrics(t.endpoint(), t.address(), t.port(), t.engineType(), null, null, null, List.of(),
                        List.of(), null, null, null, null, null, (System.nanoTime() - started) / 1_000, reason(e),
                        lastSuccess, now, source);
                backoffMs = backoffMs == 0 ? interval.toMillis() * 2 : Math.min(backoffMs * 2, maxBackoff.toMillis());
                LOG.debug("scrape failed endpoint={} error={} backoffMs={}", t.endpoint(), reason(e), backoffMs);
            } catch (InterruptedException e) {
                return;
            }
            publisher.send(Topics.ENDPOINT_METRICS, t.endpoint(), m);
            long elapsed = System.nanoTime() - started;
            long sleep = Math.max(interval.toNanos(), TimeUnit.MILLISECONDS.toNanos(backoffMs)) - elapsed;
            if (sleep > 0) {
                LockSupport.parkNanos(sleep);
            }
        }
    }

    private EndpointMetrics scrape(ScrapeTarget t) throws IOException, InterruptedException {
        long started = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(t.metricsUrl())).timeout(timeout).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        long micros = (System.nanoTime() - started) / 1_000;
        latency.record(micros, TimeUnit.MICROSECONDS);
        if (r.statusCode() != 200) {
            throw new IOException("/metrics answered HTTP " + r.statusCode());
        }
        return EngineMetrics.read(t, PrometheusText.parse(r.body()), micros, System.currentTimeMillis(), source);
    }

    private static String reason(Exception e) {
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
