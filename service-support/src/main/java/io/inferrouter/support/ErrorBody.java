package io.inferrouter.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * The error answer every service's HTTP API gives, in OpenAI's shape:
 * {@code {"error": {"message", "type", "code"}}}, {@code code} a string (a machine-readable reason,
 * or the status where there is none). Each service maps its exceptions to it in one place.
 */
public final class ErrorBody {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ErrorBody() {
    }

    public static byte[] json(String message, String type, String code) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("code", code);
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static void send(ServerResponse res, int status, String message, String type, String code) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(json(message, type, code));
    }
}
