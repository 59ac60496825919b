package io.inferrouter.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferrouter.schemas.serde.Json;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start command as an operator runs it: the launcher's {@code main} in a process of its own,
 * from the repository root with its default seed (deploy/crds and deploy/examples), every port
 * free so it can run beside a devstack. The requests its banner prints are pasted as printed;
 * SIGINT (Ctrl-C) stops it cleanly through its shutdown hook; a
 * second start on the same data directory comes up and routes again.
 */
class LauncherIT {

    private static final Pattern CURL_URL = Pattern.compile("curl -s[N]? (http://\\S+)");
    private static final Pattern CURL_BODY = Pattern.compile("-d '([^']*)'");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void thePrintedRequestsWorkAndCtrlCStopsEverythingAndASecondStartReusesTheData(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Launched first = launch(data);
        String gateway;
        try {
            gateway = first.gateway();
            List<String> curls = first.curls();
            assertThat(curls).as("banner:\n%s", first.output()).hasSizeGreaterThanOrEqualTo(3);

            HttpResponse<String> plain = pasteUntilOk(curls.get(0));
            assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
            JsonNode answer = Json.mapper().readTree(plain.body());
            assertThat(answer.at("/choices/0/message/content").asText()).isNotBlank();
            assertThat(answer.at("/usage/completion_tokens").asInt()).isEqualTo(16);
            assertThat(plain.headers().firstValue("x-gateway-endpoint")).get().asString().startsWith("llm/vllm-llama-");

            HttpResponse<String> streamed = paste(curls.get(1));
            assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
            assertThat(streamed.body()).contains("\"model\":\"chat\"").endsWith("data: [DONE]\n\n");

            HttpResponse<String> pool = paste(curls.get(2));
            assertThat(Json.mapper().readTree(pool.body()).get("endpoints")).hasSize(6);
        } finally {
            first.stop();
        }
        assertThat(first.output()).contains("Stopping...");
        assertThat(first.exitCode()).as("exit after SIGINT:\n%s", first.output()).isIn(0, 130);
        assertThat(refused(gateway)).as("gateway port closed after the stop").isTrue();
        assertThat(data.resolve("kafka")).isDirectory();

        Launched second = launch(data);
        try {
            HttpResponse<String> again = pasteUntilOk(second.curls().get(0));
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            // The first stop left routing-stream's group, and its instance id is stable: the second start is
            // RUNNING in seconds, not after a 45 s session timeout spent in REBALANCING.
            assertThat(second.millisToStreamsRunning()).as(second.output()).isLessThan(15_000);
        } finally {
            second.stop();
        }
        assertThat(second.exitCode()).isIn(0, 130);
    }

    private Launched launch(Path data) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String classpath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Path.of("target", "lib").toAbsolutePath() + File.separator + "*";
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-cp", classpath, Main.class.getName(), "--data-dir", data.toString(),
                "--kafka-port", "0", "--gateway-port", "0", "--admin-port", "0", "--routing-stream-port", "0", "--ingestor-port", "0",
                "--kube-port", "0", "--sim-base-address", "127.0.1.121", "--sim-time-scale", "0.05"));
        if (Runtime.version().feature() < 24) {
            command.remove("--sun-misc-unsafe-memory-access=allow");
        }
        Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        Launched launched = new Launched(process, new CopyOnWriteArrayList<>(), new CountDownLatch(1));
        // A platform thread: a virtual thread blocked in a pipe read lost the last lines when the process exited.
        Thread.ofPlatform().daemon().name("launcher-output").start(launched::pump);
        try {
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !process.isAlive() || launched.output().contains("Press Ctrl-C to stop."));
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new AssertionError("no banner within 150 s:\n" + launched.output(), e);
        }
        if (!process.isAlive()) {
            launched.drained().await(10, TimeUnit.SECONDS);
            throw new AssertionError("the launcher exited with " + process.exitValue() + ":\n" + launched.output());
        }
        if (launched.output().contains("still not ready")) {
            launched.stop();
            throw new AssertionError("the launcher's services did not get ready:\n" + launched.output());
        }
        return launched;
    }

    /**
     * The banner is printed once every service answers /ready; the simulated pods' first metrics can
     * still be a scrape away, so the first request may wait a moment for an endpoint.
     */
    private HttpResponse<String> pasteUntilOk(String curl) throws Exception {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        last.set(paste(curl));
                        return last.get().statusCode() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the printed request did not succeed within 20 s: " + curl + " -> "
                    + (last.get() == null ? "no answer" : last.get().statusCode() + " " + last.get().body()), e);
        }
        return last.get();
    }

    /** Sends what a printed curl command line sends: its URL, a JSON body when it has {@code -d}. */
    private HttpResponse<String> paste(String curl) throws IOException, InterruptedException {
        Matcher url = CURL_URL.matcher(curl);
        assertThat(url.find()).as("a URL in %s", curl).isTrue();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.group(1))).timeout(Duration.ofSeconds(30));
        Matcher body = CURL_BODY.matcher(curl);
        if (body.find()) {
            request.header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.group(1)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private boolean refused(String base) {
        try {
            http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private record Launched(Process process, List<String> lines, CountDownLatch drained) {

        void pump() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output closed: " + e + ")");
            } finally {
                drained.countDown();
            }
        }

        String output() {
            return String.join("\n", lines);
        }

        String gateway() {
            Matcher m = Pattern.compile("gateway-node\\s+(http://\\S+)").matcher(output());
            assertThat(m.find()).as("gateway address in\n%s", output()).isTrue();
            return m.group(1);
        }

        /** From routing-stream's start to its first RUNNING, by the log lines' clock (HH:mm:ss.SSS). */
        long millisToStreamsRunning() {
            LocalTime started = null;
            for (String line : lines) {
                if (started == null && line.contains("routing-stream started applicationId=")) {
                    started = LocalTime.parse(line.substring(0, 12));
                } else if (started != null && line.contains("streams state changed from=REBALANCING to=RUNNING")) {
                    return Duration.between(started, LocalTime.parse(line.substring(0, 12))).toMillis();
                }
            }
            throw new AssertionError("no start and RUNNING of routing-stream in the output");
        }

        /** The banner's curl commands, each with its continuation lines joined. */
        List<String> curls() {
            List<String> curls = new ArrayList<>();
            StringBuilder current = null;
            for (String line : lines) {
                String t = line.trim();
                if (current == null && t.startsWith("curl ")) {
                    current = new StringBuilder();
                }
                if (current != null) {
                    boolean continued = t.endsWith("\\");
                    current.append(continued ? t.substring(0, t.length() - 1) : t).append(' ');
                    if (!continued) {
                        curls.add(current.toString().trim());
                        current = null;
                    }
                }
            }
            return curls;
        }

        /** Ctrl-C: SIGINT to the process (Process.destroy would close our end of its output first). */
        void stop() throws InterruptedException, IOException {
            if (!process.isAlive()) {
                return;
            }
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the launcher did not stop within 60 s of SIGINT:\n" + output());
            }
            drained.await(10, TimeUnit.SECONDS);
        }

        int exitCode() {
            return process.exitValue();
        }
    }
}
