package io.inferrouter.gateway.errors;

/**
 * A request the gateway refuses or cannot complete, with the HTTP status and the OpenAI error fields
 * ({@code type}, {@code code}) the client gets. Thrown anywhere on the request path (parsing, routing,
 * admission, the proxy); the HTTP layer turns it into an OpenAI-shaped body in one place, so no part
 * below it knows about HTTP responses.
 */
public final class GatewayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String code;

    public GatewayException(int status, String type, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public static GatewayException badRequest(String message) {
        return new GatewayException(400, "invalid_request_error", "invalid_request", message);
    }

    public static GatewayException notFound(String message) {
        return new GatewayException(404, "invalid_request_error", "model_not_found", message);
    }

    public static GatewayException tooLarge(String message) {
        return new GatewayException(413, "invalid_request_error", "request_too_large", message);
    }

    public static GatewayException shed(String message) {
        return new GatewayException(429, "rate_limit_exceeded", "pool_saturated", message);
    }

    public static GatewayException unavailable(String code, String message) {
        return new GatewayException(503, "service_unavailable", code, message);
    }

    public static GatewayException badGateway(String message) {
        return new GatewayException(502, "upstream_error", "upstream_failed", message);
    }

    public static GatewayException gatewayTimeout(String message) {
        return new GatewayException(504, "upstream_error", "upstream_timeout", message);
    }

    /** A fault of the gateway itself (a bug): the client gets the request id to report. */
    public static GatewayException internal(String requestId) {
        return new GatewayException(500, "internal_error", "internal_error",
                "the gateway failed to handle the request (request id " + requestId + ")");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }
}
