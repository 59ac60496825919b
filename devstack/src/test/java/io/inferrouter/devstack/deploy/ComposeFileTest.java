package io.inferrouter.devstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and the Dockerfiles cannot be run here (no Docker engine): this checks what can
 * be checked without one. The compose file parses; every service it builds has its Dockerfile, a
 * multi-stage Maven then JRE build of that module running as non-root, whose entry point's main class
 * exists; every module with a Dockerfile is in it; every dependency exists and has a health check; the
 * simulated pods' fixed addresses are the pod IPs the ingestor reads; admin-ui reads routing-stream
 * and is read-only (no Kubernetes API here).
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern ENTRYPOINT = Pattern.compile("(?m)^ENTRYPOINT \\[.*\"(io\\.inferrouter\\.[A-Za-z0-9_.]+)\"\\]\\s*$");
    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE (\\d+)\\s*$");
    private static final Pattern HEALTHCHECK_PORT = Pattern.compile("(?s)HEALTHCHECK .*?/dev/tcp/127\\.0\\.0\\.1/(\\d+)");
    private static final Pattern COMPOSE_HEALTHCHECK_PORT = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+)");
    private static final List<String> SERVICE_MODULES = List.of("state-ingestor", "routing-stream", "gateway-node",
            "admin-ui", "model-sim");

    private final JsonNode services = compose().get("services");

    @Test
    void everyBuiltServiceHasAMultiStageDockerfileOfItsModule() throws IOException {
        Map<String, String> built = builtServices();
        assertThat(built.values()).containsAll(SERVICE_MODULES);
        for (Map.Entry<String, String> e : built.entrySet()) {
            String module = e.getValue();
            String dockerfile = Files.readString(ROOT.resolve(module).resolve("Dockerfile"));
            assertThat(services.get(e.getKey()).at("/build/context").asText()).as("%s builds from the root", e.getKey())
                    .isEqualTo(".");
            assertThat(dockerfile).as("Dockerfile of %s", module)
                    .contains("FROM maven:3.9-eclipse-temurin-21 AS build")
                    .contains("-pl " + module + " -am -DskipTests package")
                    .contains("FROM eclipse-temurin:21-jre")
                    .contains("COPY --from=build /src/" + module + "/target/classes")
                    .contains("COPY --from=build /src/" + module + "/target/lib")
                    .containsPattern("(?m)^USER 10001")
                    .contains("HEALTHCHECK");
            Matcher expose = EXPOSE.matcher(dockerfile);
            Matcher probe = HEALTHCHECK_PORT.matcher(dockerfile);
            assertThat(expose.find() && probe.find()).as("%s exposes a port and probes it", module).isTrue();
            assertThat(probe.group(1)).as("%s health check port", module).isEqualTo(expose.group(1));
        }
    }

    /** No Dockerfile is left out of compose: every module that has one is built by a service. */
    @Test
    void everyModuleWithADockerfileIsBuiltByAService() throws IOException {
        List<String> withDockerfile;
        try (Stream<Path> dirs = Files.list(ROOT)) {
            withDockerfile = dirs.filter(d -> Files.isRegularFile(d.resolve("Dockerfile")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertThat(withDockerfile).containsAll(SERVICE_MODULES);
        assertThat(builtServices().values()).containsAll(withDockerfile);
    }

    /**
     * A service started by default must have its main class; a module whose code is not written yet
     * may only back a service behind a compose profile (opt-in).
     */
    @Test
    void everyDockerfileEntryPointNamesAnExistingMainClass() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : builtServices().entrySet()) {
            String module = e.getValue();
            Matcher m = ENTRYPOINT.matcher(Files.readString(ROOT.resolve(module).resolve("Dockerfile")));
            assertThat(m.find()).as("%s/Dockerfile names a main class in its ENTRYPOINT", module).isTrue();
            Path source = ROOT.resolve(module).resolve("src/main/java").resolve(m.group(1).replace('.', '/') + ".java");
            boolean optIn = services.get(e.getKey()).has("profiles");
            if (Files.exists(source)) {
                continue;
            }
            if (hasJavaSources(ROOT.resolve(module)) || !optIn) {
                missing.add(e.getKey() + " (" + module + "): " + m.group(1) + " not found at " + source.normalize());
            }
        }
        assertThat(missing).as("main classes of the compose services").isEmpty();
    }

    @Test
    void everyDependencyExistsAndHasAHealthCheck() {
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertThat(e.getValue().has("healthcheck")).as("%s has a health check", e.getKey()).isTrue();
            JsonNode deps = e.getValue().path("depends_on");
            for (Iterator<String> d = deps.fieldNames(); d.hasNext(); ) {
                String dep = d.next();
                assertThat(services.has(dep)).as("%s depends on %s, which exists", e.getKey(), dep).isTrue();
                assertThat(services.get(dep).has("profiles")).as("%s depends on opt-in %s", e.getKey(), dep).isFalse();
                assertThat(deps.get(dep).path("condition").asText()).as("%s waits for %s", e.getKey(), dep)
                        .isEqualTo("service_healthy");
            }
        }
        assertThat(services.at("/gateway-node/depends_on").has("routing-stream")).isTrue();
        assertThat(services.at("/routing-stream/depends_on").has("state-ingestor")).isTrue();
        assertThat(services.at("/state-ingestor/depends_on").has("kafka")).isTrue();
        assertThat(services.at("/admin-ui/depends_on").has("kafka")).isTrue();
        assertThat(services.at("/admin-ui/depends_on").has("routing-stream")).isTrue();
    }

    /** Each service's health check probes the port it listens on, and that port is published. */
    @Test
    void everyServiceHealthCheckProbesItsPublishedPort() {
        for (String service : List.of("state-ingestor", "routing-stream", "gateway-node", "admin-ui")) {
            Matcher probe = COMPOSE_HEALTHCHECK_PORT.matcher(services.at("/" + service + "/healthcheck/test").toString());
            assertThat(probe.find()).as("%s health check opens a port", service).isTrue();
            assertThat(services.at("/" + service + "/healthcheck/test").toString()).as("%s probes /ready", service)
                    .contains("GET /ready");
            assertThat(services.at("/" + service + "/ports").toString()).as("%s publishes its port", service)
                    .contains("\"" + probe.group(1) + ":" + probe.group(1) + "\"");
        }
    }

    /**
     * admin-ui reads routing-stream's query API at the routing-stream service's port, and edits
     * nothing: compose has no Kubernetes API (the ingestor reads files).
     */
    @Test
    void theAdminUiReadsRoutingStreamAndIsReadOnly() {
        JsonNode admin = services.get("admin-ui");
        assertThat(admin).as("compose service admin-ui").isNotNull();
        assertThat(admin.at("/environment/ADMIN_KUBERNETES").asText()).isEqualTo("false");
        assertThat(admin.at("/environment/ADMIN_HTTP_HOST").asText()).isEqualTo("0.0.0.0");
        assertThat(admin.at("/environment/ADMIN_HTTP_PORT").asText()).isEqualTo("8081");
        URI url = URI.create(admin.at("/environment/ADMIN_ROUTING_STREAM_URL").asText());
        assertThat(url.getHost()).isEqualTo("routing-stream");
        assertThat(String.valueOf(url.getPort()))
                .isEqualTo(services.at("/routing-stream/environment/ROUTING_STREAM_HTTP_PORT").asText());
        assertThat(services.at("/state-ingestor/environment/INGESTOR_SOURCE").asText()).isEqualTo("files");
    }

    @Test
    void kafkaIsASingleKraftNodeReachableAsKafka9092() {
        JsonNode kafka = services.get("kafka");
        assertThat(kafka.get("image").asText()).isEqualTo("apache/kafka:4.1.1");
        JsonNode env = kafka.get("environment");
        assertThat(env.get("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(env.get("KAFKA_ADVERTISED_LISTENERS").asText()).isEqualTo("PLAINTEXT://kafka:9092");
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            JsonNode bootstrap = it.next().getValue().at("/environment/ROUTER_BOOTSTRAP_SERVERS");
            if (!bootstrap.isMissingNode()) {
                assertThat(bootstrap.asText()).isEqualTo("kafka:9092");
            }
        }
    }

    @Test
    void theIngestorReadsTheExamplesAndThePodsOfTheSimulatedServers() {
        JsonNode ingestor = services.get("state-ingestor");
        assertThat(ingestor.at("/environment/INGESTOR_SOURCE").asText()).isEqualTo("files");
        String dir = ingestor.at("/environment/INGESTOR_FILES_DIR").asText();
        List<String> mounted = new ArrayList<>();
        for (JsonNode v : ingestor.get("volumes")) {
            String[] parts = v.asText().split(":");
            assertThat(ROOT.resolve(parts[0])).as("volume source %s", parts[0]).isDirectory();
            assertThat(parts[1]).startsWith(dir + "/");
            mounted.add(Path.of(parts[0]).normalize().toString());
        }
        assertThat(mounted).contains("deploy/examples", "deploy/compose");
    }

    @Test
    void theSimulatedPodsFixedAddressesAreThePodIpsTheIngestorReads() {
        Map<String, String> podIps = new TreeMap<>();
        Map<String, String> podApps = new HashMap<>();
        for (JsonNode pod : CrdSchemaTest.documents(ROOT.resolve("deploy/compose"))) {
            assertThat(pod.get("kind").asText()).isEqualTo("Pod");
            String name = pod.at("/metadata/name").asText();
            podIps.put(name, pod.at("/status/podIP").asText());
            podApps.put(name, pod.at("/metadata/labels/app").asText());
            assertThat(pod.at("/metadata/labels/inference.networking.k8s.io~1engine-type").asText()).isEqualTo("vllm");
            assertThat(pod.at("/status/conditions/0/type").asText()).isEqualTo("Ready");
        }
        Map<String, String> simIps = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("sim-")) {
                String pod = "vllm-" + e.getKey().substring("sim-".length());
                simIps.put(pod, e.getValue().at("/networks/router/ipv4_address").asText());
                String model = modelOf(e.getValue().get("command"));
                assertThat(podApps.get(pod)).as("pool label of %s", pod)
                        .isEqualTo(model.startsWith("meta-llama/") ? "vllm-llama" : "vllm-qwen");
            }
        }
        assertThat(simIps).as("compose sim-* addresses vs deploy/compose/pods.yaml").isEqualTo(podIps);
        assertThat(podApps.values()).contains("vllm-llama", "vllm-qwen");
    }

    private static String modelOf(JsonNode command) {
        for (int i = 0; i + 1 < command.size(); i++) {
            if (command.get(i).asText().equals("--model")) {
                return command.get(i + 1).asText();
            }
        }
        throw new AssertionError("a simulated pod without --model: " + command);
    }

    /** Service name to the module its Dockerfile builds. */
    private Map<String, String> builtServices() {
        Map<String, String> built = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode build = e.getValue().get("build");
            if (build != null) {
                Path dockerfile = ROOT.resolve(build.get("dockerfile").asText());
                assertThat(dockerfile).as("Dockerfile of %s", e.getKey()).exists();
                assertThat(dockerfile.getFileName().toString()).isEqualTo("Dockerfile");
                built.put(e.getKey(), dockerfile.getParent().getFileName().toString());
            }
        }
        return built;
    }

    private static boolean hasJavaSources(Path module) throws IOException {
        Path sources = module.resolve("src/main/java");
        if (!Files.isDirectory(sources)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(sources)) {
            return files.anyMatch(p -> p.toString().endsWith(".java"));
        }
    }

    private static JsonNode compose() {
        try {
            // SnakeYAML (Jackson's YAML parser underneath) applies YAML merge keys (<<: *sim) as
            // compose does; Jackson's own YAML tree model leaves them as a literal "<<" field.
            Object parsed = new org.yaml.snakeyaml.Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
            JsonNode compose = new ObjectMapper().valueToTree(parsed);
            assertThat(compose.get("services")).as("services of docker-compose.yml").isNotNull();
            return compose;
        } catch (IOException e) {
            throw new AssertionError("cannot read docker-compose.yml: " + e.getMessage(), e);
        }
    }
}
