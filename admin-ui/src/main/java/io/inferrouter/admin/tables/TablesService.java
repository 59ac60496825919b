package io.inferrouter.admin.tables;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.admin.api.AdminException;
import io.inferrouter.admin.api.ApiErrors;
import io.inferrouter.admin.api.PathKeys;
import io.inferrouter.schemas.resources.ResourceKey;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The tables as the UI shows them, read through from routing-stream:
 * {@code GET /api/pools}, {@code /api/pools/{namespace}/{name}}, {@code /api/models},
 * {@code /api/objectives}, {@code /api/rewrites}, {@code /api/routes}, {@code /api/status}.
 * {@code /api/pools/{namespace}/{name}?at=<RFC 3339 time>} is the pool as it was then (routing-stream
 * rebuilds it from the table topics and checks the time; its errors are passed on as they are).
 */
public final class TablesService implements HttpService {

    private final TablesClient tables;

    public TablesService(TablesClient tables) {
        this.tables = tables;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/pools", (req, res) -> pass(res, "/v1/pools"))
                .get("/api/pools/{namespace}/{name}", this::pool)
                .get("/api/models", (req, res) -> pass(res, "/v1/models"))
                .get("/api/objectives", (req, res) -> pass(res, "/v1/objectives"))
                .get("/api/rewrites", (req, res) -> pass(res, "/v1/rewrites"))
                .get("/api/routes", (req, res) -> pass(res, "/v1/routes"))
                .get("/api/status", (req, res) -> pass(res, "/v1/status"));
    }

    private void pool(ServerRequest req, ServerResponse res) {
        ResourceKey key;
        try {
            key = PathKeys.resourceKey(req);
        } catch (AdminException e) {
            ApiErrors.send(res, e);
            return;
        }
        String path = "/v1/pools/" + encode(key.namespace()) + "/" + encode(key.name());
        Optional<String> at = req.query().first("at").asOptional();
        pass(res, at.map(a -> path + "?at=" + encode(a)).orElse(path));
    }

    private void pass(ServerResponse res, String path) {
        try {
            TablesClient.Answer answer = tables.get(path);
            res.status(Status.create(answer.status()));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(answer.body());
        } catch (AdminException e) {
            ApiErrors.send(res, e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
