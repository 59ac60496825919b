package io.inferrouter.admin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.schemas.serde.Json;

/** The one place admin API errors become JSON: {@code {"error": {"message", "type", "code"}}}. */
public final class ApiErrors {

    private ApiErrors() {
    }

    public static String body(int status, String type, String message) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("code", Integer.toString(status));
        return root.toString();
    }

    public static void send(ServerResponse res, AdminException e) {
        res.status(Status.create(e.status()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body(e.status(), e.type(), e.getMessage()));
    }

    public static void sendJson(ServerResponse res, int status, Object value) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(Json.mapper().writeValueAsBytes(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
