package io.inferrouter.sim.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Errors as vLLM's OpenAI server writes them: {@code {"error": {"message", "type", "code"}}}. */
final class OpenAiErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenAiErrors() {
    }

    static void send(ServerResponse res, int status, String type, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("code", status);
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(root.toString());
    }

    static void badRequest(ServerResponse res, String message) {
        send(res, 400, "BadRequestError", message);
    }

    /** Sends {@code status} with the error type OpenAI's clients name for it. */
    static void send(ServerResponse res, int status, String message) {
        send(res, status, typeOf(status), message);
    }

    /** The error type for a status, as OpenAI's client libraries name their exceptions. */
    static String typeOf(int status) {
        return switch (status) {
            case 400 -> "BadRequestError";
            case 401 -> "AuthenticationError";
            case 403 -> "PermissionDeniedError";
            case 404 -> "NotFoundError";
            case 409 -> "ConflictError";
            case 422 -> "UnprocessableEntityError";
            case 429 -> "RateLimitError";
            case 503 -> "ServiceUnavailableError";
            default -> status >= 500 ? "InternalServerError" : "BadRequestError";
        };
    }
}
