package io.inferrouter.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.inferrouter.schemas.serde.Json;
import java.nio.charset.StandardCharsets;

/** The one place errors become OpenAI-shaped JSON: {@code {"error": {"message", "type", "code"}}}. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static byte[] body(GatewayException e) {
        return body(e.getMessage(), e.type(), e.code());
    }

    public static byte[] body(String message, String type, String code) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("code", code);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static void send(ServerResponse res, GatewayException e) {
        res.status(Status.create(e.status()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body(e));
    }
}
