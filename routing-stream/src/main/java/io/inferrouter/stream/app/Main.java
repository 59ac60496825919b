package io.inferrouter.stream.app;

import io.inferrouter.support.ConfigLoader;
import io.helidon.config.Config;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Runs routing-stream standalone: {@code [--config routing-stream.yaml]}, environment variables on top. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        RoutingStreamConfig config;
        try {
            Config c = ConfigLoader.load(List.of(args), System.getenv(), RoutingStreamConfig.ENVIRONMENT);
            config = RoutingStreamConfig.from(c);
        } catch (RuntimeException e) {
            System.err.println("routing-stream: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RoutingStreamServer server = RoutingStreamServer.start(config, registry);
        LOG.info("routing-stream query API listening url=http://{}:{}", config.httpHost(), server.port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "routing-stream-shutdown"));
        stopped.await();
    }
}
