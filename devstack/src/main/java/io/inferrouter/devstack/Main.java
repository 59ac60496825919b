package io.inferrouter.devstack;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code ./dev up}: starts the whole system on its embedded default and waits for Ctrl-C.
 */
public final class Main {

    private static final String ROUTING_STREAM = "routing-stream";

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(DevstackConfig.usage().stripTrailing());
            return;
        }
        DevstackConfig config;
        try {
            config = DevstackConfig.parse(List.of(args), System.getenv());
        } catch (IllegalArgumentException | DevstackConfig.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Devstack stack;
        try {
            stack = Devstack.start(config);
        } catch (RuntimeException e) {
            System.err.println("devstack: could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping...");
            stack.close();
            stopped.countDown();
        }, "devstack-shutdown"));
        List<String> notReady = stack.awaitReady(Duration.ofSeconds(90));
        // The tables come from routing-stream: without it RUNNING, the printed requests could not be routed.
        while (notReady.contains(ROUTING_STREAM)) {
            System.out.println("devstack: waiting for routing-stream to be RUNNING (" + stack.addresses().routingStream()
                    + "/v1/status says what it is doing); not ready yet: " + String.join(", ", notReady));
            notReady = stack.awaitReady(Duration.ofSeconds(30));
        }
        if (!notReady.isEmpty()) {
            System.out.println("devstack: still not ready after 90 s: " + String.join(", ", notReady)
                    + " (see their /ready for why); the requests below may answer 503 until they are");
        }
        System.out.println(Banner.of(stack));
        stopped.await();
    }
}
