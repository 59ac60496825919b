package io.inferrouter.bench.scale;

import io.inferrouter.gateway.metrics.MicrometerGatewayMetrics;
import io.inferrouter.gateway.tables.TableReplica;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap a gateway's table replica holds, measured in a JVM of its own so that nothing else (the
 * broker, Streams, the benchmark) moves the number: used heap after a full GC before the replica
 * starts and after it has caught up. Started by {@link ScaleBench}; prints one {@code FOOTPRINT} line.
 */
public final class ReplicaFootprint {

    private static final String PREFIX = "FOOTPRINT ";

    /** What the child JVM measured. */
    public record Result(long heapBytes, double catchUpSeconds) {
    }

    private ReplicaFootprint() {
    }

    /** Runs the measurement in a new JVM against {@code bootstrap}, expecting {@code endpoints} endpoints. */
    public static Result measure(String bootstrap, int endpoints) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx2g", "-XX:+UseG1GC"));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-Dlogback.configurationFile=" + quietLogback(), "-cp",
                System.getProperty("java.class.path"), ReplicaFootprint.class.getName(), bootstrap,
                Integer.toString(endpoints)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Result result = null;
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(PREFIX)) {
                    String[] parts = line.substring(PREFIX.length()).split(" ");
                    result = new Result(Long.parseLong(parts[0]), Double.parseDouble(parts[1]));
                } else {
                    output.add(line);
                }
            }
        }
        int exit = child.waitFor();
        if (exit != 0 || result == null) {
            throw new IllegalStateException("replica footprint JVM failed (exit " + exit + "):\n"
                    + String.join("\n", output.subList(Math.max(0, output.size() - 20), output.size())));
        }
        return result;
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int endpoints = Integer.parseInt(args[1]);
        long before = usedHeapAfterGc();
        long started = System.nanoTime();
        try (TableReplica replica = new TableReplica(bootstrap, new MicrometerGatewayMetrics(new SimpleMeterRegistry()))
                .start()) {
            if (!replica.awaitReady(Duration.ofMinutes(10))) {
                throw new IllegalStateException("the table replica did not catch up within 10 minutes");
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (replica.current().endpointCount() != endpoints) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the replica shows " + replica.current().endpointCount()
                            + " endpoints, expected " + endpoints);
                }
                Thread.sleep(5);
            }
            double catchUp = (System.nanoTime() - started) / 1e9;
            long after = usedHeapAfterGc();
            System.out.println(PREFIX + (after - before) + " " + catchUp);
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static String quietLogback() throws IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("footprint-logback", ".xml");
        java.nio.file.Files.writeString(file, """
                <configuration>
                  <appender name="err" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n</pattern></encoder>
                  </appender>
                  <root level="WARN"><appender-ref ref="err"/></root>
                </configuration>
                """);
        file.toFile().deleteOnExit();
        return file.toString();
    }
}
