package io.inferrouter.gateway;

import io.inferrouter.support.ConfigLoader;
import io.inferrouter.gateway.config.GatewayConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Runs gateway-node standalone: {@code [--config gateway.yaml]}, environment variables on top. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        GatewayConfig config;
        try {
            config = GatewayConfig.from(ConfigLoader.load(List.of(args), System.getenv(), GatewayConfig.ENVIRONMENT));
        } catch (RuntimeException e) {
            System.err.println("gateway-node: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        GatewayServer server = GatewayServer.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        stopped.await();
    }
}
