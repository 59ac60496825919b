package io.inferrouter.gateway.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.inferrouter.gateway.metrics.GatewayMetrics;
import io.inferrouter.support.ErrorBody;

/**
 * The answers Helidon gives by itself, before or outside routing (a malformed request, headers over
 * {@code http.max-header-bytes}, a path nothing serves), in the OpenAI shape every other gateway
 * error has. Headers too large become 431 (Helidon 4.5 says 400); other statuses stay Helidon's.
 */
final class ProtocolErrors implements DirectHandler {

    static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
    /** What Helidon's HTTP/1 header parser says when the headers pass {@code max-headers-size}. */
    private static final String HELIDON_HEADERS_TOO_LARGE = "Header size exceeded";

    private final int maxHeaderBytes;
    private final GatewayMetrics metrics;

    ProtocolErrors(int maxHeaderBytes, GatewayMetrics metrics) {
        this.maxHeaderBytes = maxHeaderBytes;
        this.metrics = metrics;
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders headers, String message) {
        if (headersTooLarge(eventType, defaultStatus, message)) {
            metrics.headerTooLarge();
            return json(HEADERS_TOO_LARGE, headers, "request headers are larger than " + maxHeaderBytes
                    + " bytes (http.max-header-bytes)", "invalid_request_error", "headers_too_large");
        }
        return switch (eventType) {
            // Helidon's message may be an internal exception's: never shown to clients.
            case INTERNAL_ERROR -> json(defaultStatus, headers, "the gateway failed to handle the request",
                    "internal_error", "internal_error");
            case PAYLOAD_TOO_LARGE -> json(defaultStatus, headers, text(message, defaultStatus),
                    "invalid_request_error", "request_too_large");
            default -> defaultStatus.code() < 500
                    ? json(defaultStatus, headers, text(message, defaultStatus), "invalid_request_error",
                    defaultStatus.code() == 400 ? "invalid_request" : Integer.toString(defaultStatus.code()))
                    : json(defaultStatus, headers, text(message, defaultStatus), "server_error",
                    Integer.toString(defaultStatus.code()));
        };
    }

    private static boolean headersTooLarge(EventType eventType, Status status, String message) {
        return status.code() == HEADERS_TOO_LARGE.code()
                || eventType == EventType.BAD_REQUEST && message != null && message.contains(HELIDON_HEADERS_TOO_LARGE);
    }

    private static String text(String message, Status status) {
        return message == null || message.isBlank() ? status.reasonPhrase() : message;
    }

    private static TransportResponse json(Status status, ServerResponseHeaders headers, String message, String type,
                                          String code) {
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(ErrorBody.json(message, type, code))
                .build();
    }
}
