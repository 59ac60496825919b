package io.inferrouter.ingestor;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.inferrouter.support.ConfigLoader;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Runs state-ingestor standalone: {@code [--config ingestor.yaml]}, environment variables on top
 * (README-section.md lists them). Exit status 2: bad configuration; 1: it could not start.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        IngestorConfig config;
        try {
            config = IngestorConfig.from(ConfigLoader.load(List.of(args), System.getenv(), IngestorConfig.ENVIRONMENT));
        } catch (RuntimeException e) {
            System.err.println("state-ingestor: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        StateIngestor ingestor;
        try {
            ingestor = StateIngestor.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        } catch (RuntimeException e) {
            System.err.println("state-ingestor: could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ingestor.close();
            stopped.countDown();
        }, "ingestor-shutdown"));
        stopped.await();
    }
}
