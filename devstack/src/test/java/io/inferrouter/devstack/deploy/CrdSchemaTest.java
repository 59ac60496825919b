package io.inferrouter.devstack.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs under deploy/crds are structural, have the upstream groups, versions and kinds, and their
 * schemas accept every example under deploy/examples and reject what the upstream API rejects.
 */
class CrdSchemaTest {

    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** group/version/kind to the schema of that version. */
    private static final Map<String, JsonNode> SCHEMAS = new HashMap<>();
    private static final List<JsonNode> CRDS = new ArrayList<>();

    static {
        for (JsonNode crd : documents(DEPLOY.resolve("crds"))) {
            if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                continue;
            }
            CRDS.add(crd);
            JsonNode spec = crd.get("spec");
            for (JsonNode v : spec.get("versions")) {
                SCHEMAS.put(spec.get("group").asText() + "/" + v.get("name").asText() + "/"
                        + spec.at("/names/kind").asText(), v.at("/schema/openAPIV3Schema"));
            }
        }
    }

    @Test
    void theCrdsHaveTheUpstreamGroupsVersionsAndKinds() {
        assertThat(SCHEMAS.keySet()).containsExactlyInAnyOrder(
                "inference.networking.k8s.io/v1/InferencePool",
                "inference.networking.x-k8s.io/v1alpha2/InferencePool",
                "inference.networking.x-k8s.io/v1alpha2/InferenceModel",
                "inference.networking.x-k8s.io/v1alpha2/InferenceObjective",
                "inference.networking.x-k8s.io/v1alpha2/InferenceModelRewrite");
        for (JsonNode crd : CRDS) {
            JsonNode spec = crd.get("spec");
            assertThat(crd.at("/metadata/name").asText())
                    .isEqualTo(spec.at("/names/plural").asText() + "." + spec.get("group").asText());
            assertThat(spec.get("scope").asText()).isEqualTo("Namespaced");
        }
    }

    @Test
    void everyVersionIsStructuralWithStatusSubresourceAndPrinterColumnsThatExist() {
        for (JsonNode crd : CRDS) {
            String name = crd.at("/metadata/name").asText();
            for (JsonNode v : crd.at("/spec/versions")) {
                JsonNode schema = v.at("/schema/openAPIV3Schema");
                assertThat(StructuralSchema.structuralProblems(schema)).as("%s is structural", name).isEmpty();
                assertThat(v.at("/subresources/status").isObject()).as("%s has the status subresource", name).isTrue();
                assertThat(schema.at("/properties/status/x-kubernetes-preserve-unknown-fields").asBoolean())
                        .as("%s has a typed status", name).isFalse();
                assertThat(v.get("additionalPrinterColumns")).as("%s printer columns", name).isNotEmpty();
                for (JsonNode column : v.get("additionalPrinterColumns")) {
                    String path = column.get("jsonPath").asText();
                    if (!path.startsWith(".metadata.")) {
                        assertThat(resolves(schema, path)).as("%s column %s", name, path).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void everyExampleCustomResourceValidatesAgainstItsCrd() {
        int validated = 0;
        for (JsonNode doc : documents(DEPLOY.resolve("examples"))) {
            String apiVersion = doc.path("apiVersion").asText();
            if (!apiVersion.startsWith("inference.networking.")) {
                continue;
            }
            String key = apiVersion + "/" + doc.path("kind").asText();
            assertThat(SCHEMAS).as("a CRD for %s", key).containsKey(key);
            assertThat(StructuralSchema.validate(SCHEMAS.get(key), doc))
                    .as("%s %s", key, doc.at("/metadata/name").asText()).isEmpty();
            validated++;
        }
        assertThat(validated).isGreaterThanOrEqualTo(12);
    }

    @Test
    void aV1PoolWithNineTargetPortsIsRejected() {
        JsonNode pool = mutated("inference.networking.k8s.io/v1", "InferencePool", "llama", spec -> {
            ArrayNode ports = spec.putArray("targetPorts");
            for (int p = 8000; p < 8009; p++) {
                ports.addObject().put("number", p);
            }
        });
        assertThat(errors(pool)).anyMatch(e -> e.contains("targetPorts") && e.contains("more than 8"));
    }

    @Test
    void aPortOutOfRangeIsRejected() {
        JsonNode pool = mutated("inference.networking.k8s.io/v1", "InferencePool", "llama",
                spec -> spec.putArray("targetPorts").addObject().put("number", 0));
        assertThat(errors(pool)).anyMatch(e -> e.contains("below the minimum"));
        JsonNode old = mutated("inference.networking.x-k8s.io/v1alpha2", "InferencePool", "qwen",
                spec -> spec.put("targetPortNumber", 70000));
        assertThat(errors(old)).anyMatch(e -> e.contains("above the maximum"));
    }

    @Test
    void anUnknownFailureModeOrAppProtocolIsRejected() {
        JsonNode pool = mutated("inference.networking.k8s.io/v1", "InferencePool", "llama", spec -> {
            ((ObjectNode) spec.get("endpointPickerRef")).put("failureMode", "FailSometimes");
            spec.put("appProtocol", "grpc");
        });
        assertThat(errors(pool)).anyMatch(e -> e.contains("failureMode")).anyMatch(e -> e.contains("appProtocol"));
    }

    @Test
    void aV1alpha2PoolWithoutTargetPortNumberIsRejected() {
        JsonNode pool = mutated("inference.networking.x-k8s.io/v1alpha2", "InferencePool", "qwen",
                spec -> spec.remove("targetPortNumber"));
        assertThat(errors(pool)).anyMatch(e -> e.contains("targetPortNumber is required"));
    }

    @Test
    void anUnknownCriticalityIsRejected() {
        JsonNode model = mutated("inference.networking.x-k8s.io/v1alpha2", "InferenceModel", "llama",
                spec -> spec.put("criticality", "Urgent"));
        assertThat(errors(model)).anyMatch(e -> e.contains("criticality") && e.contains("is not one of"));
    }

    @Test
    void aRewriteTargetWeightOfZeroIsRejected() {
        JsonNode rewrite = mutated("inference.networking.x-k8s.io/v1alpha2", "InferenceModelRewrite", "gpt-4o-alias",
                spec -> ((ObjectNode) spec.at("/rules/0/targets/0")).put("weight", 0));
        assertThat(errors(rewrite)).anyMatch(e -> e.contains("weight") && e.contains("below the minimum"));
    }

    @Test
    void aMisspelledFieldIsCaught() {
        JsonNode objective = mutated("inference.networking.x-k8s.io/v1alpha2", "InferenceObjective", "batch",
                spec -> spec.put("priorty", 5));
        assertThat(errors(objective)).anyMatch(e -> e.contains(".spec.priorty: unknown field"));
    }

    private static List<String> errors(JsonNode doc) {
        return StructuralSchema.validate(SCHEMAS.get(doc.get("apiVersion").asText() + "/" + doc.get("kind").asText()), doc);
    }

    /** A copy of the named example with its spec changed. */
    private static JsonNode mutated(String apiVersion, String kind, String name, Consumer<ObjectNode> change) {
        for (JsonNode doc : documents(DEPLOY.resolve("examples"))) {
            if (apiVersion.equals(doc.path("apiVersion").asText()) && kind.equals(doc.path("kind").asText())
                    && name.equals(doc.at("/metadata/name").asText())) {
                ObjectNode copy = doc.deepCopy();
                assertThat(StructuralSchema.validate(SCHEMAS.get(apiVersion + "/" + kind), copy)).isEmpty();
                change.accept((ObjectNode) copy.get("spec"));
                return copy;
            }
        }
        throw new AssertionError("no example " + kind + " " + name + " of " + apiVersion);
    }

    /** Whether a printer column's path (".spec.a[*].b") names a property of the schema. */
    private static boolean resolves(JsonNode schema, String jsonPath) {
        JsonNode at = schema;
        for (String part : jsonPath.substring(1).replace("[*]", "").split("\\.")) {
            if (at.path("type").asText().equals("array")) {
                at = at.get("items");
            }
            at = at.path("properties").get(part);
            if (at == null) {
                return false;
            }
        }
        return true;
    }

    static List<JsonNode> documents(Path dir) {
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> !p.getFileName().toString().startsWith("kustomization.")).sorted().toList()) {
                try (var values = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                    while (values.hasNext()) {
                        JsonNode doc = (JsonNode) values.next();
                        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                            docs.add(doc);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return docs;
    }
}
