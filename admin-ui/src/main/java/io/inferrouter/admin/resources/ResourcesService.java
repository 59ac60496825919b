package io.inferrouter.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.admin.api.AdminException;
import io.inferrouter.admin.api.ApiErrors;
import io.inferrouter.admin.api.PathKeys;
import io.inferrouter.schemas.resources.ResourceKey;
import io.inferrouter.schemas.serde.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Editing pools and models over HTTP, written to the Kubernetes API:
 * {@code GET|PUT|DELETE /api/resources/models/{namespace}/{name}} and
 * {@code GET|PUT|DELETE /api/resources/pools/{namespace}/{name}}. An update carries the
 * {@code resourceVersion} it was made from (from the GET); a stale one is a 409. Without a Kubernetes API (the
 * ingestor reads manifest files, or {@code kubernetes.enabled=false}) every edit answers 503 and
 * says so; reading the tables still works.
 */
public final class ResourcesService implements HttpService {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResourcesService.class);

    private final KubeResources kube;

    /** @param kube null when edits are off */
    public ResourcesService(KubeResources kube) {
        this.kube = kube;
    }

    @Override
    public void routing(HttpRules rules) {
        kind(rules, "models", key -> kube.getModel(key),
                (key, body) -> kube.putModel(key, ResourceEdits.model(body), ResourceEdits.resourceVersion(body)),
                key -> kube.deleteModel(key));
        kind(rules, "pools", key -> kube.getPool(key),
                (key, body) -> kube.putPool(key, ResourceEdits.pool(body), ResourceEdits.resourceVersion(body)),
                key -> kube.deletePool(key));
        rules.get("/api/resources", (req, res) -> ApiErrors.sendJson(res, 200, Map.of("editable", kube != null)));
    }

    private interface Get {
        GenericKubernetesResource get(ResourceKey key);
    }

    private interface Put {
        KubeResources.Written put(ResourceKey key, JsonNode body);
    }

    /** GET, PUT and DELETE of one kind at {@code /api/resources/{plural}/{namespace}/{name}}. */
    private void kind(HttpRules rules, String plural, Get get, Put put, Action delete) {
        String path = "/api/resources/" + plural + "/{namespace}/{name}";
        rules.get(path, (req, res) -> run(req, res, key -> answer(res, 200, get.get(key))))
                .put(path, (req, res) -> run(req, res, key -> {
                    KubeResources.Written w = put.put(key, body(req));
                    answer(res, w.created() ? 201 : 200, w.object());
                }))
                .delete(path, (req, res) -> run(req, res, key -> {
                    delete.run(key);
                    res.status(Status.NO_CONTENT_204).send();
                }));
    }

    private interface Action {
        void run(ResourceKey key);
    }

    private void run(ServerRequest req, ServerResponse res, Action action) {
        try {
            if (kube == null) {
                throw new AdminException(503, "editing_disabled", "editing is off: admin-ui has no Kubernetes API"
                        + " (kubernetes.enabled=false, or the system reads manifest files); edit the manifests instead");
            }
            action.run(PathKeys.resourceKey(req));
        } catch (AdminException e) {
            ApiErrors.send(res, e);
        } catch (RuntimeException e) {
            LOG.error("resource request failed path={} error={}", req.path().path(), e.toString(), e);
            ApiErrors.send(res, new AdminException(500, "internal_error", "admin-ui failed: " + e.getMessage(), e));
        }
    }

    private static JsonNode body(ServerRequest req) {
        try {
            return Json.mapper().readTree(req.content().inputStream());
        } catch (IOException e) {
            throw AdminException.badRequest("the body is not JSON: " + e.getMessage());
        }
    }

    private static void answer(ServerResponse res, int status, GenericKubernetesResource r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", r.getApiVersion());
        out.put("kind", r.getKind());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("namespace", r.getMetadata().getNamespace());
        meta.put("name", r.getMetadata().getName());
        meta.put("resourceVersion", r.getMetadata().getResourceVersion());
        meta.put("creationTimestamp", r.getMetadata().getCreationTimestamp());
        out.put("metadata", meta);
        out.put("spec", r.getAdditionalProperties().get("spec"));
        ApiErrors.sendJson(res, status, out);
    }
}
