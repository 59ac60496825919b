package io.inferrouter.ingestor.scrape;

import io.inferrouter.ingestor.metrics.IngestorMetrics;
import io.inferrouter.ingestor.publish.Publisher;
import io.inferrouter.ingestor.state.ScrapeTarget;
import io.inferrouter.schemas.metrics.EndpointId;
import io.inferrouter.schemas.metrics.EndpointMetrics;
import io.inferrouter.schemas.topics.Topics;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes {@code /metrics} of every endpoint at a fixed interval, each endpoint on its own virtual
 * thread with a short timeout, and publishes one {@link EndpointMetrics} per scrape. A failed or
 * slow scrape is published too (with {@code scrapeError} and the time of the last success), so
 * staleness shows downstream, and that endpoint backs off exponentially up to a ceiling. The
 * endpoints come from the cluster view in-process and are re-read every {@link #TARGET_REFRESH}.
 * Scrapes only while {@code active} says so (the leader of several replicas).
 *
 * <p>Logs only changes: an endpoint that starts failing (WARN) or recovers (INFO); single failures
 * are DEBUG, successful scrapes are not logged.
 */
public final class Scraper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Scraper.class);
    static final Duration TARGET_REFRESH = Duration.ofMillis(100);

    private final Supplier<List<ScrapeTarget>> targets;
    private final Publisher publisher;
    private final BooleanSupplier active;
    private final Duration interval;
    private final Duration timeout;
    private final Duration maxBackoff;
    private final String source;
    private final IngestorMetrics metrics;
    private final ExecutorService httpExecutor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;
    private final Map<EndpointId, Thread> loops = new ConcurrentHashMap<>();
    private final Map<EndpointId, ScrapeTarget> current = new ConcurrentHashMap<>();
    private final Thread refresher;
    private volatile boolean running = true;

    public Scraper(Supplier<List<ScrapeTarget>> targets, Publisher publisher, BooleanSupplier active, Duration interval,
                   Duration timeout, Duration maxBackoff, String source, IngestorMetrics metrics) {
        this.targets = targets;
        this.publisher = publisher;
        this.active = active;
        this.interval = interval;
        this.timeout = timeout;
        this.maxBackoff = maxBackoff;
        this.source = source;
        this.metrics = metrics;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .executor(httpExecutor).build();
        metrics.scrapedEndpoints(loops, Map::size);
        this.refresher = Thread.ofVirtual().name("scrape-targets").start(this::refreshLoop);
    }

    /** Endpoints being scraped now. */
    public Set<EndpointId> endpoints() {
        return Set.copyOf(loops.keySet());
    }

    @Override
    public void close() {
        running = false;
        refresher.interrupt();
        loops.values().forEach(Thread::interrupt);
        for (Thread t : loops.values()) {
            try {
                t.join(timeout.toMillis() + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        http.shutdownNow();
        httpExecutor.shutdownNow();
    }

    private void refreshLoop() {
        while (running) {
            try {
                refresh();
            } catch (RuntimeException e) {
                LOG.warn("scrape target refresh failed error={}", e.toString());
            }
            LockSupport.parkNanos(TARGET_REFRESH.toNanos());
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    /** Starts a loop for each new endpoint and stops those of endpoints that went (or changed address). */
    void refresh() {
        Map<EndpointId, ScrapeTarget> wanted = new HashMap<>();
        if (active.getAsBoolean()) {
            for (ScrapeTarget t : targets.get()) {
                wanted.put(t.endpoint(), t);
            }
        }
        for (EndpointId id : new HashSet<>(loops.keySet())) {
            if (!wanted.containsKey(id) || !wanted.get(id).equals(current.get(id))) {
                Thread loop = loops.remove(id);
                current.remove(id);
                if (loop != null) {
                    loop.interrupt();
                    LOG.debug("endpoint no longer scraped endpoint={}", id);
                }
            }
        }
        wanted.forEach((id, t) -> {
            if (!loops.containsKey(id) && running) {
                if (EngineType.of(t.engineType()).isEmpty()) {
                    LOG.warn("unknown engine type, reading vLLM metric names endpoint={} label={}={}", id,
                            EngineType.LABEL, t.engineType());
                }
                current.put(id, t);
                loops.put(id, Thread.ofVirtual().name("scrape-" + id).start(() -> scrapeLoop(t)));
                LOG.debug("endpoint scraped endpoint={} url={}", id, t.metricsUrl());
            }
        });
    }

    private void scrapeLoop(ScrapeTarget t) {
        long lastSuccess = 0;
        Backoff backoff = new Backoff(interval, maxBackoff);
        while (running && !Thread.currentThread().isInterrupted()) {
            long started = System.nanoTime();
            EndpointMetrics m;
            Duration wait;
            try {
                m = scrape(t);
                metrics.scraped(System.nanoTime() - started);
                lastSuccess = m.observedAtMs();
                if (backoff.failures() > 0) {
                    LOG.info("endpoint scrapes again endpoint={} failedScrapes={}", t.endpoint(), backoff.failures());
                }
                wait = backoff.succeeded();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted() || !running) {
                    return;
                }
                metrics.scrapeFailed(kind(e), System.nanoTime() - started);
                String reason = reason(e);
                wait = backoff.failed();
                if (backoff.failures() == 1) {
                    LOG.warn("endpoint scrape failed endpoint={} url={} error=\"{}\" nextInMs={}", t.endpoint(),
                            t.metricsUrl(), reason, wait.toMillis());
                } else {
                    LOG.debug("endpoint scrape failed again endpoint={} failures={} error=\"{}\" nextInMs={}",
                            t.endpoint(), backoff.failures(), reason, wait.toMillis());
                }
                long now = System.currentTimeMillis();
                m = EndpointMetrics.failed(t.endpoint(), t.address(), t.port(), EngineType.orDefault(t.engineType()).id(),
                        reason, (System.nanoTime() - started) / 1_000, lastSuccess, now, source);
            }
            publisher.send(Topics.ENDPOINT_METRICS, t.endpoint(), m, m.observedAtMs());
            long sleep = wait.toNanos() - (System.nanoTime() - started);
            if (sleep > 0) {
                LockSupport.parkNanos(sleep);
            }
        }
    }

    private EndpointMetrics scrape(ScrapeTarget t) throws IOException, InterruptedException {
        long started = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(t.metricsUrl())).timeout(timeout)
                .header("Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        long micros = (System.nanoTime() - started) / 1_000;
        if (r.statusCode() != 200) {
            throw new HttpStatusException(r.statusCode());
        }
        return EngineMetrics.read(t, PrometheusText.parse(r.body()), micros, System.currentTimeMillis(), source);
    }

    static String reason(Exception e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        if (e instanceof HttpStatusException h) {
            return h.getMessage();
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    static String kind(Exception e) {
        if (e instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (e instanceof HttpStatusException) {
            return "http_status";
        }
        if (e instanceof ConnectException) {
            return "connect";
        }
        if (e instanceof PrometheusText.MetricsFormatException) {
            return "format";
        }
        return "io";
    }

    /** /metrics answered with a status other than 200. */
    static final class HttpStatusException extends IOException {
        private static final long serialVersionUID = 1L;

        HttpStatusException(int status) {
            super("/metrics answered HTTP " + status);
        }
    }
}
