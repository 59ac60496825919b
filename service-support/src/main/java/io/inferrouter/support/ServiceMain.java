package io.inferrouter.support;

import io.helidon.config.Config;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * How every service's {@code main} runs: read the settings ({@code [--config FILE]}, environment on top),
 * start the service with its own Prometheus registry, stop it on SIGTERM/SIGINT. Exit status 2: bad
 * configuration; 1: it could not start.
 */
public final class ServiceMain {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

    /** Starts a service from its config; what it returns is closed at shutdown. */
    @FunctionalInterface
    public interface Starter<C> {
        AutoCloseable start(C config, PrometheusMeterRegistry registry) throws Exception;
    }

    private ServiceMain() {
    }

    public static <C> void run(String[] args, Settings settings, Function<Config, C> config, Starter<C> starter)
            throws InterruptedException {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        String name = settings.service();
        C c;
        try {
            c = config.apply(settings.load(List.of(args), System.getenv()));
        } catch (RuntimeException e) {
            System.err.println(name + ": bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        AutoCloseable service;
        try {
            service = starter.start(c, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        } catch (Exception e) {
            LOG.error("could not start service={}", name, e);
            System.err.println(name + ": could not start: " + e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn("stopping failed service={}", name, e);
            }
            stopped.countDown();
        }, name + "-shutdown"));
        stopped.await();
    }
}
