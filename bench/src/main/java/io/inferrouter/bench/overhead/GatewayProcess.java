package io.inferrouter.bench.overhead;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * gateway-node in a JVM of its own, as it is deployed and as nginx and HAProxy run beside it: its
 * heap and GC pauses are its own, not shared with the benchmark's backends and broker. Started with
 * the JVM options the deployment uses ({@link #JVM_OPTIONS}); ready once a request is routed.
 */
final class GatewayProcess implements AutoCloseable {

    /**
     * A fixed heap, touched at start: the deployment's {@code -XX:InitialRAMPercentage=75
     * -XX:MaxRAMPercentage=75 -XX:+AlwaysPreTouch} under its 2 GiB limit, minus what a container
     * leaves for the JVM's other memory. A heap that grows under load page-faults on fresh memory.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");

    private final Process process;
    private final int port;

    private GatewayProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    int port() {
        return port;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** @param extraJvmOptions after {@link #JVM_OPTIONS}, e.g. a profiler's agent */
    static GatewayProcess start(Path log, int port, Map<String, String> env, String probeBody,
                                List<String> extraJvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(extraJvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.inferrouter.gateway.Main"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("GATEWAY_HTTP_PORT", Integer.toString(port));
        GatewayProcess gateway = new GatewayProcess(pb.start(), port);
        try {
            gateway.awaitRouting(probeBody, Duration.ofSeconds(90), log);
            return gateway;
        } catch (IOException | InterruptedException | RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    /** Waits until a request is routed to a backend (tables loaded, endpoints known). */
    private void awaitRouting(String body, Duration timeout, Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("gateway-node exited at start with code " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/v1/chat/completions")).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new IOException("gateway-node did not route a request within " + timeout.toSeconds() + " s (last: "
                + last + "); see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
