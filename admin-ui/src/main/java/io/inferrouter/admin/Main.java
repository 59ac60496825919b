package io.inferrouter.admin;

import io.inferrouter.support.ConfigLoader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Runs admin-ui standalone: {@code [--config admin-ui.yaml]}, environment variables on top. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        AdminConfig config;
        try {
            config = AdminConfig.from(ConfigLoader.load(List.of(args), System.getenv(), AdminConfig.ENVIRONMENT));
        } catch (RuntimeException e) {
            System.err.println("admin-ui: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        AdminServer server;
        try {
            server = AdminServer.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null);
        } catch (RuntimeException e) {
            System.err.println("admin-ui: could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "admin-ui-shutdown"));
        stopped.await();
    }
}
