package io.inferrouter.ingestor;

import io.inferrouter.support.ConfigLoader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Runs state-ingestor standalone: {@code [--config ingestor.yaml]}, environment variables on top. */
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
        StateIngestor ingestor = StateIngestor.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ingestor.close();
            stopped.countDown();
        }, "ingestor-shutdown"));
        stopped.await();
    }
}
